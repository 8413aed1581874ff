#pragma once

#include "sampling/Stage.h"

namespace glassbox::sampling
{

// Repetition, frequency and presence penalties over the last `window` tokens of the history
// (window < 0: the whole history). For a token seen `count` times:
//   logit > 0: logit / repeat, else logit * repeat   (sign-aware, so a penalty always lowers the logit)
//   logit -= count * frequency + presence
class RepetitionPenaltyStage final : public Stage
{
public:
    struct Params {
        int window = 64;
        float repeat = 1.0f;
        float frequency = 0.0f;
        float presence = 0.0f;
    };

    explicit RepetitionPenaltyStage(Params params);

    std::string_view name() const override
    {
        return "penalties";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    Params m_params;
};

} // namespace glassbox::sampling
