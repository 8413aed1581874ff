#include "sampling/StageRecord.h"

#include <algorithm>
#include <numeric>

namespace glassbox::sampling
{

StageRecord recordStage(std::string stage, Candidates &candidates, std::size_t topN)
{
    candidates.normalize();
    StageRecord record{std::move(stage), candidates.size(), {}};
    std::vector<std::size_t> positions(candidates.size());
    std::iota(positions.begin(), positions.end(), std::size_t{0});
    const std::size_t count = std::min(topN, positions.size());
    std::partial_sort(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(count), positions.end(), [&](std::size_t a, std::size_t b) {
        const Candidate &x = candidates[a];
        const Candidate &y = candidates[b];
        return x.probability != y.probability ? x.probability > y.probability : x.id < y.id;
    });
    record.top.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        record.top.push_back({candidates[positions[i]].id, candidates[positions[i]].probability});
    return record;
}

} // namespace glassbox::sampling
