#pragma once

#include "sampling/Picker.h"
#include "sampling/Stage.h"
#include "sampling/StageRecord.h"

#include <memory>
#include <span>
#include <vector>

namespace glassbox::sampling
{

struct SampleResult {
    TokenId token = 0;
    double probability = 0.0; // of the chosen token in the final distribution
    double logProbability = 0.0; // natural log of probability
    double entropy = 0.0; // of the final distribution, in nats
    // Empty unless recording was asked for: the input distribution ("logits"), then one per stage.
    std::vector<StageRecord> records;
};

// Stages in order, then the pick.
class SamplerChain
{
public:
    explicit SamplerChain(Picker picker = Picker::greedy());

    void add(std::unique_ptr<Stage> stage);
    std::size_t stageCount() const
    {
        return m_stages.size();
    }
    const Stage &stage(std::size_t index) const
    {
        return *m_stages[index];
    }
    const Picker &picker() const
    {
        return m_picker;
    }

    // recordTopN > 0 records every stage's survivors and top tokens; 0 records nothing and costs nothing.
    SampleResult sample(std::span<const float> logits, std::span<const TokenId> history, std::size_t recordTopN = 0);
    SampleResult sample(Candidates candidates, std::span<const TokenId> history, std::size_t recordTopN = 0);

    // Fresh state (mirostat's mu, the random streams) for a new generation with the same settings.
    void reset();

private:
    std::vector<std::unique_ptr<Stage>> m_stages;
    Picker m_picker;
};

} // namespace glassbox::sampling
