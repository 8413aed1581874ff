#pragma once

#include "sampling/Stage.h"

namespace glassbox::sampling
{

// Divides logits by the temperature. A temperature of 0 (or less) keeps only the most likely token.
class TemperatureStage final : public Stage
{
public:
    explicit TemperatureStage(float temperature);

    std::string_view name() const override
    {
        return "temperature";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    float m_temperature;
};

} // namespace glassbox::sampling
