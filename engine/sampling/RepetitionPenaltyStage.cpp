#include "sampling/RepetitionPenaltyStage.h"

#include "util/Error.h"

#include <algorithm>
#include <map>

namespace glassbox::sampling
{

RepetitionPenaltyStage::RepetitionPenaltyStage(Params params)
    : m_params(params)
{
    if (!(m_params.repeat > 0.0f))
        throw Error("The repetition penalty must be greater than 0.");
}

void RepetitionPenaltyStage::apply(Candidates &candidates, const SamplingContext &context)
{
    const auto history = context.history;
    const std::size_t window = m_params.window < 0 ? history.size() : std::min<std::size_t>(static_cast<std::size_t>(m_params.window), history.size());
    if (window == 0)
        return;
    // Ordered map: the window is small, and a fixed visiting order keeps the result independent of hashing.
    std::map<TokenId, int> counts;
    for (TokenId id : history.last(window))
        ++counts[id];
    for (const auto &[id, count] : counts) {
        const auto position = candidates.find(id);
        if (!position)
            continue;
        float logit = candidates[*position].logit;
        logit = logit > 0.0f ? logit / m_params.repeat : logit * m_params.repeat;
        logit -= static_cast<float>(count) * m_params.frequency + m_params.presence;
        candidates.setLogit(*position, logit);
    }
}

} // namespace glassbox::sampling
