#include "sampling/Picker.h"

#include "util/Error.h"

namespace glassbox::sampling
{

Picker::Picker(std::optional<Rng> rng)
    : m_rng(std::move(rng))
{
}

Picker Picker::greedy()
{
    return Picker(std::nullopt);
}

Picker Picker::seeded(std::uint64_t seed)
{
    return Picker(Rng(seed));
}

std::optional<std::uint64_t> Picker::seed() const
{
    if (!m_rng)
        return std::nullopt;
    return m_rng->seed();
}

std::size_t Picker::pick(Candidates &candidates)
{
    candidates.normalize();
    double total = 0.0;
    for (const Candidate &c : candidates.items())
        total += c.probability;
    // Also catches NaN logits, whose probabilities never add up to anything positive.
    if (!(total > 0.0))
        throw Error("No token is left to sample: every candidate was ruled out.");

    if (!m_rng) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < candidates.size(); ++i) {
            const Candidate &c = candidates[i];
            const Candidate &b = candidates[best];
            if (c.logit > b.logit || (c.logit == b.logit && c.id < b.id))
                best = i;
        }
        return best;
    }

    // Inverse CDF over the candidates in their current order; scaling by the total absorbs float rounding.
    const double target = m_rng->uniform() * total;
    double cumulative = 0.0;
    std::size_t last = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].probability <= 0.0f)
            continue;
        cumulative += candidates[i].probability;
        last = i;
        if (target < cumulative)
            return i;
    }
    return last;
}

void Picker::reset()
{
    if (m_rng)
        m_rng->reset();
}

} // namespace glassbox::sampling
