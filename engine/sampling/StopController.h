#pragma once

#include "sampling/FinishReason.h"
#include "tokenizer/Vocab.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::sampling
{

using tokenizer::TokenId;

struct GenerationLimits {
    std::vector<std::string> stopStrings; // empty strings are ignored
    int maxTokens = -1; // < 0: no limit
    std::vector<TokenId> endTokens; // eos, eot...
};

// Decides when generation ends and which text may be shown. A stop string is never shown, even when
// it arrives split over several tokens: text that could still be the start of a stop string is held
// back, and released as soon as it no longer can be.
class StopController
{
public:
    struct Step {
        std::string text; // ready to show
        std::optional<FinishReason> finish; // set once generation is over
    };

    explicit StopController(GenerationLimits limits);

    // One sampled token and its decoded text.
    Step push(TokenId token, std::string_view piece);
    // The caller ends generation for its own reason (cancelled, context full); held-back text is released.
    Step stop(FinishReason reason);

    bool finished() const
    {
        return m_finish.has_value();
    }
    std::optional<FinishReason> finishReason() const
    {
        return m_finish;
    }
    std::size_t tokenCount() const
    {
        return m_tokenCount;
    }
    std::string_view heldBack() const
    {
        return m_held;
    }
    // The stop string that ended generation, empty otherwise.
    const std::string &matchedStopString() const
    {
        return m_matched;
    }

private:
    Step finish(FinishReason reason, std::string text);
    // Length of the longest end of m_held that begins some stop string.
    std::size_t possibleStopStart() const;

    GenerationLimits m_limits;
    std::string m_held;
    std::string m_matched;
    std::size_t m_tokenCount = 0;
    std::optional<FinishReason> m_finish;
};

} // namespace glassbox::sampling
