#pragma once

#include <cstdint>
#include <random>

namespace glassbox::sampling
{

// Seeded randomness that gives the same numbers on every platform. std::mt19937_64's output is fixed by
// the standard; the <random> distributions are not, so the uniform double is derived here.
class Rng
{
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t seed() const
    {
        return m_seed;
    }
    // Uniform in [0, 1), from the top 53 bits of one draw.
    double uniform();
    void reset();

private:
    std::uint64_t m_seed;
    std::mt19937_64 m_engine;
};

// A seed from the operating system, for "random seed" settings.
std::uint64_t randomSeed();

} // namespace glassbox::sampling
