#pragma once

#include "sampling/Stage.h"

#include <cstddef>

// The stages that cut the tail of the distribution. Each keeps at least `minKeep` candidates (and never
// fewer than one); the survivors' probabilities are renormalised on the next softmax.
namespace glassbox::sampling
{

// Keep the k most likely tokens (k <= 0: keep all).
class TopKStage final : public Stage
{
public:
    TopKStage(int k, std::size_t minKeep = 1);
    std::string_view name() const override
    {
        return "top-k";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    int m_k;
    std::size_t m_minKeep;
};

// Nucleus sampling: keep the smallest most-likely prefix whose probabilities add up to at least p.
class TopPStage final : public Stage
{
public:
    TopPStage(float p, std::size_t minKeep = 1);
    std::string_view name() const override
    {
        return "top-p";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    float m_p;
    std::size_t m_minKeep;
};

// Keep tokens at least minP times as likely as the most likely one.
class MinPStage final : public Stage
{
public:
    MinPStage(float minP, std::size_t minKeep = 1);
    std::string_view name() const override
    {
        return "min-p";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    float m_minP;
    std::size_t m_minKeep;
};

// Locally typical sampling (Meister et al. 2022): rank tokens by how close their surprise -ln p is to
// the entropy of the distribution, and keep the closest ones until their probabilities exceed p.
// The survivors stay in that typicality order, so the candidates come out unsorted.
class TypicalStage final : public Stage
{
public:
    TypicalStage(float p, std::size_t minKeep = 1);
    std::string_view name() const override
    {
        return "typical";
    }
    void apply(Candidates &candidates, const SamplingContext &context) override;

private:
    float m_p;
    std::size_t m_minKeep;
};

} // namespace glassbox::sampling
