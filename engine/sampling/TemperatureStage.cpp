#include "sampling/TemperatureStage.h"

namespace glassbox::sampling
{

TemperatureStage::TemperatureStage(float temperature)
    : m_temperature(temperature)
{
}

void TemperatureStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (candidates.empty())
        return;
    if (m_temperature <= 0.0f) {
        candidates.sortByLogit();
        candidates.truncate(1);
        return;
    }
    if (m_temperature == 1.0f)
        return;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        candidates.setLogit(i, candidates[i].logit / m_temperature);
}

} // namespace glassbox::sampling
