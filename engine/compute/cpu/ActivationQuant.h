#pragma once

#include "quant/BlockLayouts.h"

#include <cstddef>
#include <cstdint>

// The 8-bit activation formats ggml's CPU backend multiplies quantized weights with ("vec_dot_type"):
// one activation row is converted once per matmul, then every weight row takes an integer block dot
// product with it. They never lie in a file, so they live here rather than in quant/.
namespace glassbox::compute
{

using quant::BlockQ8_0;

// Q8_0 plus s = d * Σ qs (as a half), which the formats with a minimum (Q4_1, Q5_1) need.
struct BlockQ8_1 {
    std::uint16_t d;
    std::uint16_t s;
    std::int8_t qs[quant::kQK];
};

// Blocks of 256 with a float scale and the sums of each 16 quants (for the K-quants' minimums).
struct BlockQ8_K {
    float d;
    std::int8_t qs[quant::kQK_K];
    std::int16_t bsums[quant::kQK_K / 16];
};

static_assert(sizeof(BlockQ8_1) == 36 && sizeof(BlockQ8_K) == 292);

// n is a multiple of the block size. The rounding is that of the x86 build of llama.cpp.
void quantizeActivationsQ8_0(const float *x, BlockQ8_0 *out, std::size_t n);
void quantizeActivationsQ8_1(const float *x, BlockQ8_1 *out, std::size_t n);
void quantizeActivationsQ8_K(const float *x, BlockQ8_K *out, std::size_t n);

} // namespace glassbox::compute
