#include "sampling/TruncationStages.h"

#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace glassbox::sampling
{

namespace
{

void requireFraction(float value, const char *what)
{
    if (!(value >= 0.0f && value <= 1.0f))
        throw Error(std::string(what) + " must be between 0 and 1.");
}

} // namespace

TopKStage::TopKStage(int k, std::size_t minKeep)
    : m_k(k)
    , m_minKeep(std::max<std::size_t>(minKeep, 1))
{
}

void TopKStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (m_k <= 0)
        return;
    candidates.keepTop(std::max(static_cast<std::size_t>(m_k), m_minKeep));
}

TopPStage::TopPStage(float p, std::size_t minKeep)
    : m_p(p)
    , m_minKeep(std::max<std::size_t>(minKeep, 1))
{
    requireFraction(p, "Top-p");
}

void TopPStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (m_p >= 1.0f || candidates.empty())
        return;
    candidates.softmax();
    double cumulative = 0.0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        cumulative += candidates[i].probability;
        if (cumulative >= m_p && i + 1 >= m_minKeep) {
            candidates.truncate(i + 1);
            return;
        }
    }
}

MinPStage::MinPStage(float minP, std::size_t minKeep)
    : m_minP(minP)
    , m_minKeep(std::max<std::size_t>(minKeep, 1))
{
    requireFraction(minP, "Min-p");
}

void MinPStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (m_minP <= 0.0f || candidates.empty())
        return;
    candidates.softmax();
    const double threshold = static_cast<double>(m_minP) * candidates[0].probability;
    std::size_t keep = m_minKeep;
    while (keep < candidates.size() && candidates[keep].probability >= threshold)
        ++keep;
    candidates.truncate(keep);
}

TypicalStage::TypicalStage(float p, std::size_t minKeep)
    : m_p(p)
    , m_minKeep(std::max<std::size_t>(minKeep, 1))
{
    requireFraction(p, "Typical-p");
}

void TypicalStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (m_p >= 1.0f || candidates.empty())
        return;
    candidates.softmax();
    double entropy = 0.0;
    for (const Candidate &c : candidates.items())
        if (c.probability > 0.0f)
            entropy -= c.probability * std::log(static_cast<double>(c.probability));

    std::vector<double> distance(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const double p = candidates[i].probability;
        distance[i] = p > 0.0 ? std::abs(-std::log(p) - entropy) : std::numeric_limits<double>::infinity();
    }
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable, so equally typical tokens keep their probability order.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return distance[a] < distance[b];
    });

    std::size_t keep = order.size();
    double cumulative = 0.0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        cumulative += candidates[order[i]].probability;
        if (cumulative > m_p && i + 1 >= m_minKeep) {
            keep = i + 1;
            break;
        }
    }
    order.resize(keep);
    candidates.reorder(order);
}

} // namespace glassbox::sampling
