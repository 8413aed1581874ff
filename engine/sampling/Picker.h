#pragma once

#include "sampling/Candidates.h"
#include "sampling/Rng.h"

#include <cstdint>
#include <optional>

namespace glassbox::sampling
{

// The chain's last step: argmax, or a seeded draw from what the stages left.
class Picker
{
public:
    static Picker greedy();
    static Picker seeded(std::uint64_t seed);

    bool isGreedy() const
    {
        return !m_rng.has_value();
    }
    std::optional<std::uint64_t> seed() const;

    // Position of the chosen candidate. Normalizes the candidates; throws when none can be chosen.
    std::size_t pick(Candidates &candidates);
    void reset();

private:
    explicit Picker(std::optional<Rng> rng);

    std::optional<Rng> m_rng;
};

} // namespace glassbox::sampling
