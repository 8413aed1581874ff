#pragma once

#include "sampling/Stage.h"

#include <map>

namespace glassbox::sampling
{

// Per-token additive bias; a bias of -infinity bans the token (it leaves the candidates).
class LogitBiasStage final : public Stage
{
public:
    explicit LogitBiasStage(std::map<TokenId, float> bias);

    std::string_view name() const override
    {
        return "logit bias";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    std::map<TokenId, float> m_bias;
};

} // namespace glassbox::sampling
