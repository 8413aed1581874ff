#pragma once

#include "sampling/Stage.h"

#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace glassbox::sampling
{

// DRY ("don't repeat yourself", koboldcpp / llama.cpp): if the end of the context already occurred
// earlier, followed by token t, then t would extend the repetition. With n the length of that match,
// t's logit drops by multiplier * base^(n - allowedLength) once n >= allowedLength.
// A match never reaches back across a sequence breaker (newline, quote...), so structure is not punished.
class DryStage final : public Stage
{
public:
    struct Params {
        float multiplier = 0.0f;
        float base = 1.75f;
        int allowedLength = 2;
        int window = -1; // last N tokens looked at; < 0: the whole history
        std::unordered_set<TokenId> breakers;
    };

    explicit DryStage(Params params);

    // Breaker tokens for a vocabulary: every token whose text contains one of the breaker strings.
    // pieces[id] is the decoded text of token id.
    static std::unordered_set<TokenId> breakerTokens(std::span<const std::string> pieces, std::span<const std::string> breakers);

    std::string_view name() const override
    {
        return "DRY";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    Params m_params;
};

} // namespace glassbox::sampling
