#include "sampling/SamplerSettings.h"

#include "sampling/DryStage.h"
#include "sampling/LogitBiasStage.h"
#include "sampling/MirostatStage.h"
#include "sampling/RepetitionPenaltyStage.h"
#include "sampling/TemperatureStage.h"
#include "sampling/TruncationStages.h"
#include "sampling/XtcStage.h"
#include "util/Error.h"

#include <unordered_set>

namespace glassbox::sampling
{

namespace
{

// XTC draws from its own stream so that turning it on does not shift the picks' random numbers.
constexpr std::uint64_t XtcStreamSalt = 0x9e3779b97f4a7c15ULL;

// The stages mirostat stands in for.
bool isTruncation(StageKind kind)
{
    return kind == StageKind::TopK || kind == StageKind::Typical || kind == StageKind::TopP || kind == StageKind::MinP || kind == StageKind::Xtc;
}

// Stages that always keep the most likely token as the most likely: pointless before a greedy pick.
// (Typical and XTC are not: both can drop the most likely token.)
bool keepsArgmax(StageKind kind)
{
    return kind == StageKind::TopK || kind == StageKind::TopP || kind == StageKind::MinP || kind == StageKind::Temperature;
}

// Whether a stage would change anything with these settings; idle stages stay out of the chain.
bool isActive(StageKind kind, const SamplerSettings &s)
{
    switch (kind) {
    case StageKind::Penalties:
        return s.penaltyLastN != 0 && (s.repeatPenalty != 1.0f || s.frequencyPenalty != 0.0f || s.presencePenalty != 0.0f);
    case StageKind::Dry:
        return s.dryMultiplier != 0.0f && s.dryPenaltyLastN != 0;
    case StageKind::LogitBias:
        return !s.logitBias.empty();
    case StageKind::TopK:
        return s.topK > 0;
    case StageKind::Typical:
        return s.typicalP < 1.0f;
    case StageKind::TopP:
        return s.topP < 1.0f;
    case StageKind::MinP:
        return s.minP > 0.0f;
    case StageKind::Xtc:
        return s.xtcProbability > 0.0f;
    case StageKind::Temperature:
        return s.temperature != 1.0f;
    }
    return false;
}

// Built even when idle: the constructors check the values, so a bad one is reported either way.
std::unique_ptr<Stage> makeStage(StageKind kind, const SamplerSettings &s, std::uint64_t seed, std::span<const std::string> tokenPieces)
{
    switch (kind) {
    case StageKind::Penalties:
        return std::make_unique<RepetitionPenaltyStage>(RepetitionPenaltyStage::Params{s.penaltyLastN, s.repeatPenalty, s.frequencyPenalty, s.presencePenalty});
    case StageKind::Dry: {
        std::unordered_set<TokenId> breakers;
        if (isActive(kind, s) && !s.drySequenceBreakers.empty()) {
            if (tokenPieces.empty())
                throw Error("DRY sequence breakers need the vocabulary's token texts.");
            breakers = DryStage::breakerTokens(tokenPieces, s.drySequenceBreakers);
        }
        return std::make_unique<DryStage>(DryStage::Params{s.dryMultiplier, s.dryBase, s.dryAllowedLength, s.dryPenaltyLastN, std::move(breakers)});
    }
    case StageKind::LogitBias:
        return std::make_unique<LogitBiasStage>(s.logitBias);
    case StageKind::TopK:
        return std::make_unique<TopKStage>(s.topK, s.minKeep);
    case StageKind::Typical:
        return std::make_unique<TypicalStage>(s.typicalP, s.minKeep);
    case StageKind::TopP:
        return std::make_unique<TopPStage>(s.topP, s.minKeep);
    case StageKind::MinP:
        return std::make_unique<MinPStage>(s.minP, s.minKeep);
    case StageKind::Xtc:
        return std::make_unique<XtcStage>(s.xtcProbability, s.xtcThreshold, seed ^ XtcStreamSalt, s.minKeep);
    case StageKind::Temperature:
        return std::make_unique<TemperatureStage>(s.temperature);
    }
    return nullptr;
}

} // namespace

std::vector<StageKind> conventionalOrder()
{
    return {StageKind::Penalties,
            StageKind::Dry,
            StageKind::LogitBias,
            StageKind::TopK,
            StageKind::Typical,
            StageKind::TopP,
            StageKind::MinP,
            StageKind::Xtc,
            StageKind::Temperature};
}

SamplerChain buildChain(const SamplerSettings &settings, std::span<const std::string> tokenPieces)
{
    const bool greedy = settings.temperature <= 0.0f;
    const std::uint64_t seed = settings.seed ? *settings.seed : randomSeed();
    SamplerChain chain(greedy ? Picker::greedy() : Picker::seeded(seed));
    for (StageKind kind : settings.order) {
        auto stage = makeStage(kind, settings, seed, tokenPieces);
        const bool replaced = (greedy && keepsArgmax(kind)) || (settings.mirostat && isTruncation(kind));
        if (isActive(kind, settings) && !replaced)
            chain.add(std::move(stage));
    }
    if (settings.mirostat) {
        // Built first so that a bad tau or eta is reported under greedy too.
        auto mirostat = std::make_unique<MirostatStage>(settings.mirostatTau, settings.mirostatEta);
        if (!greedy)
            chain.add(std::move(mirostat));
    }
    return chain;
}

} // namespace glassbox::sampling
