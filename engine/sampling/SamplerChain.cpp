#include "sampling/SamplerChain.h"

#include "util/Error.h"

#include <cmath>

namespace glassbox::sampling
{

SamplerChain::SamplerChain(Picker picker)
    : m_picker(std::move(picker))
{
}

void SamplerChain::add(std::unique_ptr<Stage> stage)
{
    m_stages.push_back(std::move(stage));
}

SampleResult SamplerChain::sample(std::span<const float> logits, std::span<const TokenId> history, std::size_t recordTopN)
{
    if (logits.empty())
        throw Error("Cannot sample from an empty vocabulary.");
    return sample(Candidates::fromLogits(logits), history, recordTopN);
}

SampleResult SamplerChain::sample(Candidates candidates, std::span<const TokenId> history, std::size_t recordTopN)
{
    SampleResult result;
    const SamplingContext context{history};
    if (recordTopN > 0)
        result.records.push_back(recordStage("logits", candidates, recordTopN));
    for (const auto &stage : m_stages) {
        stage->apply(candidates, context);
        if (recordTopN > 0)
            result.records.push_back(recordStage(std::string(stage->name()), candidates, recordTopN));
    }

    const std::size_t chosen = m_picker.pick(candidates);
    for (const Candidate &c : candidates.items())
        if (c.probability > 0.0f)
            result.entropy -= c.probability * std::log(static_cast<double>(c.probability));
    result.token = candidates[chosen].id;
    result.probability = candidates[chosen].probability;
    result.logProbability = std::log(result.probability);
    for (const auto &stage : m_stages)
        stage->accept(result.token, result.probability);
    return result;
}

void SamplerChain::reset()
{
    for (const auto &stage : m_stages)
        stage->reset();
    m_picker.reset();
}

} // namespace glassbox::sampling
