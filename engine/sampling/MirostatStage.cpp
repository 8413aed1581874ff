#include "sampling/MirostatStage.h"

#include "util/Error.h"

#include <cmath>

namespace glassbox::sampling
{

MirostatStage::MirostatStage(float tau, float eta)
    : m_tau(tau)
    , m_eta(eta)
    , m_mu(2.0 * tau)
{
    if (!(tau > 0.0f) || !(eta >= 0.0f))
        throw Error("Mirostat needs a positive tau and a non-negative eta.");
}

void MirostatStage::apply(Candidates &candidates, const SamplingContext &)
{
    if (candidates.empty())
        return;
    candidates.softmax();
    std::size_t keep = 1; // the most likely token always stays, however low mu has fallen
    while (keep < candidates.size() && -std::log2(static_cast<double>(candidates[keep].probability)) <= m_mu)
        ++keep;
    candidates.truncate(keep);
}

void MirostatStage::accept(TokenId, double probability)
{
    const double surprise = -std::log2(probability);
    m_mu -= m_eta * (surprise - m_tau);
}

void MirostatStage::reset()
{
    m_mu = 2.0 * m_tau;
}

} // namespace glassbox::sampling
