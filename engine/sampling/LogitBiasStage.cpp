#include "sampling/LogitBiasStage.h"

#include <cmath>

namespace glassbox::sampling
{

LogitBiasStage::LogitBiasStage(std::map<TokenId, float> bias)
    : m_bias(std::move(bias))
{
}

void LogitBiasStage::apply(Candidates &candidates, const SamplingContext &)
{
    bool banned = false;
    for (const auto &[id, bias] : m_bias) {
        const auto position = candidates.find(id);
        if (!position)
            continue;
        candidates.setLogit(*position, candidates[*position].logit + bias);
        banned = banned || (std::isinf(bias) && bias < 0.0f);
    }
    if (banned)
        candidates.removeIf([](const Candidate &c) {
            return std::isinf(c.logit) && c.logit < 0.0f;
        });
}

} // namespace glassbox::sampling
