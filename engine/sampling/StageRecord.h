#pragma once

#include "sampling/Candidates.h"

#include <cstddef>
#include <string>
#include <vector>

namespace glassbox::sampling
{

struct TokenProbability {
    TokenId id = 0;
    double probability = 0.0;
};

// What one stage left behind, for the UI's view of the chain at work.
struct StageRecord {
    std::string stage;
    std::size_t survivors = 0;
    std::vector<TokenProbability> top; // most probable first, probabilities renormalised over the survivors
};

// Snapshot of candidates without disturbing their order (the order decides seeded picks).
StageRecord recordStage(std::string stage, Candidates &candidates, std::size_t topN);

} // namespace glassbox::sampling
