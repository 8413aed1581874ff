#include "sampling/XtcStage.h"

#include "util/Error.h"

#include <algorithm>

namespace glassbox::sampling
{

XtcStage::XtcStage(float probability, float threshold, std::uint64_t seed, std::size_t minKeep)
    : m_probability(probability)
    , m_threshold(threshold)
    , m_minKeep(std::max<std::size_t>(minKeep, 1))
    , m_rng(seed)
{
    if (!(probability >= 0.0f && probability <= 1.0f))
        throw Error("The XTC probability must be between 0 and 1.");
}

void XtcStage::apply(Candidates &candidates, const SamplingContext &)
{
    // Above 0.5 at most one token can clear the threshold, so XTC could never fire.
    if (m_probability <= 0.0f || m_threshold > 0.5f || candidates.size() < 2)
        return;
    if (m_rng.uniform() >= m_probability)
        return;
    candidates.softmax();
    std::size_t above = 0;
    while (above < candidates.size() && candidates[above].probability >= m_threshold)
        ++above;
    const std::size_t drop = above == 0 ? 0 : above - 1;
    if (drop == 0 || candidates.size() - drop < m_minKeep)
        return;
    candidates.removeFirst(drop);
}

} // namespace glassbox::sampling
