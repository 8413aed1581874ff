#pragma once

#include "sampling/Candidates.h"

#include <span>
#include <string_view>

namespace glassbox::sampling
{

// What a stage may look at besides the candidates: the tokens so far (prompt and generated), oldest first.
struct SamplingContext {
    std::span<const TokenId> history;
};

// One step of the chain. A stage edits logits or removes candidates; it never picks.
class Stage
{
public:
    virtual ~Stage() = default;

    virtual std::string_view name() const = 0;
    virtual void apply(Candidates &candidates, const SamplingContext &context) = 0;
    // Told the pick and its probability in the final distribution (mirostat learns from it).
    virtual void accept(TokenId, double)
    {
    }
    // Back to the state of a fresh chain (new conversation, same seed).
    virtual void reset()
    {
    }
};

} // namespace glassbox::sampling
