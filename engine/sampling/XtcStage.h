#pragma once

#include "sampling/Rng.h"
#include "sampling/Stage.h"

namespace glassbox::sampling
{

// XTC, "exclude top choices" (oobabooga / llama.cpp): with the given probability, drop every token at or
// above the threshold except the least likely of them, pushing the text off its most predictable path
// while keeping it on a viable one. Fires only when at least two tokens clear the threshold.
class XtcStage final : public Stage
{
public:
    XtcStage(float probability, float threshold, std::uint64_t seed, std::size_t minKeep = 1);

    std::string_view name() const override
    {
        return "XTC";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;
    void reset() override
    {
        m_rng.reset();
    }

private:
    float m_probability;
    float m_threshold;
    std::size_t m_minKeep;
    Rng m_rng;
};

} // namespace glassbox::sampling
