#include "sampling/StopController.h"

#include <algorithm>
#include <utility>

namespace glassbox::sampling
{

StopController::StopController(GenerationLimits limits)
    : m_limits(std::move(limits))
{
    // An empty stop string would match everywhere and end every generation before it starts.
    std::erase_if(m_limits.stopStrings, [](const std::string &s) {
        return s.empty();
    });
    if (m_limits.maxTokens == 0)
        m_finish = FinishReason::Length;
}

StopController::Step StopController::push(TokenId token, std::string_view piece)
{
    if (m_finish)
        return {{}, m_finish};
    ++m_tokenCount;
    if (std::find(m_limits.endTokens.begin(), m_limits.endTokens.end(), token) != m_limits.endTokens.end())
        return finish(FinishReason::EndOfSequence, std::exchange(m_held, {}));

    m_held += piece;
    std::size_t stopAt = std::string::npos;
    for (const std::string &stop : m_limits.stopStrings) {
        const std::size_t at = m_held.find(stop);
        if (at < stopAt) {
            stopAt = at;
            m_matched = stop;
        }
    }
    if (stopAt != std::string::npos) {
        std::string text = m_held.substr(0, stopAt);
        m_held.clear();
        return finish(FinishReason::StopString, std::move(text));
    }

    if (m_limits.maxTokens > 0 && m_tokenCount >= static_cast<std::size_t>(m_limits.maxTokens))
        return finish(FinishReason::Length, std::exchange(m_held, {}));

    const std::size_t keep = possibleStopStart();
    std::string text = m_held.substr(0, m_held.size() - keep);
    m_held.erase(0, m_held.size() - keep);
    return {std::move(text), std::nullopt};
}

StopController::Step StopController::stop(FinishReason reason)
{
    if (m_finish)
        return {{}, m_finish};
    return finish(reason, std::exchange(m_held, {}));
}

StopController::Step StopController::finish(FinishReason reason, std::string text)
{
    m_finish = reason;
    return {std::move(text), reason};
}

std::size_t StopController::possibleStopStart() const
{
    std::size_t longest = 0;
    for (const std::string &stop : m_limits.stopStrings) {
        // A complete match was ruled out already, so only proper prefixes of the stop string matter.
        const std::size_t most = std::min(stop.size() - 1, m_held.size());
        for (std::size_t length = most; length > longest; --length) {
            if (std::string_view(m_held).substr(m_held.size() - length) == std::string_view(stop).substr(0, length)) {
                longest = length;
                break;
            }
        }
    }
    return longest;
}

} // namespace glassbox::sampling
