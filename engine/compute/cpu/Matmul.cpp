#include "Matmul.h"

#include "compute/cpu/ThreadPool.h"
#include "compute/cpu/VecDot.h"

#include <algorithm>
#include <vector>

namespace glassbox::compute
{

namespace
{

// Weight rows unpacked together, so that each tile of activation rows is read once per band
// rather than once per row.
constexpr std::size_t kBand = 8;
// Activation rows per pass over a band: their converted rows (about n bytes each) stay in the L1
// and L2 caches while the band's rows are multiplied with them.
constexpr std::size_t kTile = 64;

} // namespace

void matmul(ThreadPool &pool, const VecDot &vecDot, const std::uint8_t *weights, std::size_t weightRowBytes, std::size_t weightRows, const float *x,
            std::size_t batch, std::size_t n, float *out)
{
    // Kept between calls, per calling thread: a forward pass runs hundreds of matmuls.
    thread_local std::vector<std::uint8_t> activations;
    const std::size_t stride = vecDot.activationBytes(n);
    if (activations.size() < batch * stride)
        activations.resize(batch * stride);
    std::uint8_t *converted = activations.data();
    pool.parallelFor(batch, 8, [&](std::size_t begin, std::size_t end) {
        for (std::size_t b = begin; b < end; ++b)
            vecDot.convert(x + b * n, converted + b * stride, n);
    });

    const std::size_t unpackedBytes = vecDot.unpackedBytes(n);
    // Rows [0, batched) go to the batched kernel where the type has one (VecDot::dotRowsBatched).
    const std::size_t batched = vecDot.dotRowsBatched ? vecDot.batchedRows(batch) : 0;
    pool.parallelFor(weightRows, kBand, [&](std::size_t begin, std::size_t end) {
        thread_local std::vector<std::uint8_t> unpacked;
        if (unpacked.size() < kBand * unpackedBytes)
            unpacked.resize(kBand * unpackedBytes);
        for (std::size_t first = begin; first < end; first += kBand) {
            const std::size_t rows = std::min(kBand, end - first);
            for (std::size_t r = 0; r < rows; ++r)
                vecDot.unpack(weights + (first + r) * weightRowBytes, unpacked.data() + r * unpackedBytes, n);
            for (std::size_t tile = 0; tile < batch; tile += kTile) {
                const std::size_t count = std::min(kTile, batch - tile);
                const std::size_t inBatched = batched > tile ? std::min(count, batched - tile) : 0;
                for (std::size_t r = 0; r < rows; ++r) {
                    const std::uint8_t *row = unpacked.data() + r * unpackedBytes;
                    if (inBatched > 0)
                        vecDot.dotRowsBatched(row, converted + tile * stride, stride, inBatched, out + tile * weightRows + first + r, weightRows, n);
                    if (count > inBatched)
                        vecDot.dotRows(row,
                                       converted + (tile + inBatched) * stride,
                                       stride,
                                       count - inBatched,
                                       out + (tile + inBatched) * weightRows + first + r,
                                       weightRows,
                                       n);
                }
            }
        }
    });
}

} // namespace glassbox::compute
