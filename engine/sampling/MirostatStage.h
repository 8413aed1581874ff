#pragma once

#include "sampling/Stage.h"

namespace glassbox::sampling
{

// Mirostat v2 (Basu et al. 2021): keeps the surprise of picked tokens near tau. Tokens whose surprise
// -log2 p exceeds mu are cut; after each pick mu -= eta * (observed surprise - tau). mu starts at 2 tau.
// It stands in for the truncation stages, so it comes last before the pick.
class MirostatStage final : public Stage
{
public:
    MirostatStage(float tau, float eta);

    std::string_view name() const override
    {
        return "mirostat v2";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;
    void accept(TokenId token, double probability) override;
    void reset() override;

    double mu() const
    {
        return m_mu;
    }

private:
    float m_tau;
    float m_eta;
    double m_mu;
};

} // namespace glassbox::sampling
