#pragma once

#include "sampling/SamplerChain.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::sampling
{

// The stages SamplerSettings::order can arrange. Mirostat is not among them: it replaces the truncation
// stages and always runs last before the pick.
enum class StageKind {
    Penalties,
    Dry,
    LogitBias,
    TopK,
    Typical,
    TopP,
    MinP,
    Xtc,
    Temperature,
};

// penalties → DRY → logit bias → top-k → typical → top-p → min-p → XTC → temperature.
std::vector<StageKind> conventionalOrder();

// Every sampling parameter, with llama.cpp's defaults.
struct SamplerSettings {
    std::optional<std::uint64_t> seed; // none: a fresh random seed per chain

    float temperature = 0.8f; // 0 or less: greedy
    int topK = 40; // 0 or less: off
    float topP = 0.95f; // 1: off
    float minP = 0.05f; // 0: off
    float typicalP = 1.0f; // 1: off
    std::size_t minKeep = 0; // truncation stages keep at least this many (and at least one)

    int penaltyLastN = 64; // window of the repetition penalties; -1: whole context, 0: off
    float repeatPenalty = 1.0f;
    float frequencyPenalty = 0.0f;
    float presencePenalty = 0.0f;

    float dryMultiplier = 0.0f; // 0: off
    float dryBase = 1.75f;
    int dryAllowedLength = 2;
    int dryPenaltyLastN = -1; // -1: whole context
    std::vector<std::string> drySequenceBreakers = {"\n", ":", "\"", "*"};

    float xtcProbability = 0.0f; // 0: off
    float xtcThreshold = 0.1f;

    bool mirostat = false; // mirostat v2
    float mirostatTau = 5.0f;
    float mirostatEta = 0.1f;

    std::map<TokenId, float> logitBias;

    std::vector<StageKind> order = conventionalOrder();
};

// The chain for these settings; stages that would change nothing are left out. tokenPieces[id] is the
// decoded text of token id, needed only to find DRY's sequence breakers.
SamplerChain buildChain(const SamplerSettings &settings, std::span<const std::string> tokenPieces = {});

} // namespace glassbox::sampling
