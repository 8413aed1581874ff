#pragma once

#include "compute/cpu/ActivationQuant.h"

#include <cstddef>
#include <cstdint>

// One weight row times one activation row of n elements, the weight in its file format and the
// activations in the format ggml pairs with it (see ActivationQuant.h). The quantized ones add up
// integer products and scale and add the partial sums in the order of the kernel that llama.cpp's
// x86 CPU backend runs for that type (each function says which), so that they round the same way.
namespace glassbox::compute::dot
{

// How ggml's x86 kernels add their eight float lanes at the end (hsum_float_8): the upper four onto
// the lower four, then pairwise.
inline float sumLanes(const float (&lanes)[8])
{
    float half[4];
    for (int l = 0; l < 4; ++l)
        half[l] = lanes[l + 4] + lanes[l];
    return (half[0] + half[2]) + (half[1] + half[3]);
}

// F32 weights use kernels::dot. These two convert to float, where a product of halves is exact.
float f16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);
float bf16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);

float q4_0(const quant::BlockQ4_0 *w, const BlockQ8_0 *a, std::size_t n);
float q4_0Repacked(const quant::BlockQ4_0 *w, const BlockQ8_0 *a, std::size_t n);
float q4_1(const quant::BlockQ4_1 *w, const BlockQ8_1 *a, std::size_t n);
float q5_0(const quant::BlockQ5_0 *w, const BlockQ8_0 *a, std::size_t n);
float q5_1(const quant::BlockQ5_1 *w, const BlockQ8_1 *a, std::size_t n);
float q8_0(const quant::BlockQ8_0 *w, const BlockQ8_0 *a, std::size_t n);

float q2_K(const quant::BlockQ2_K *w, const BlockQ8_K *a, std::size_t n);
float q3_K(const quant::BlockQ3_K *w, const BlockQ8_K *a, std::size_t n);
float q4_K(const quant::BlockQ4_K *w, const BlockQ8_K *a, std::size_t n);
float q5_K(const quant::BlockQ5_K *w, const BlockQ8_K *a, std::size_t n);
float q6_K(const quant::BlockQ6_K *w, const BlockQ8_K *a, std::size_t n);

} // namespace glassbox::compute::dot
