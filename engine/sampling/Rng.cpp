#include "sampling/Rng.h"

namespace glassbox::sampling
{

Rng::Rng(std::uint64_t seed)
    : m_seed(seed)
    , m_engine(seed)
{
}

double Rng::uniform()
{
    return static_cast<double>(m_engine() >> 11) * 0x1.0p-53;
}

void Rng::reset()
{
    m_engine.seed(m_seed);
}

std::uint64_t randomSeed()
{
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

} // namespace glassbox::sampling
