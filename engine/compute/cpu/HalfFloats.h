#pragma once

#include "compute/cpu/HotLoop.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace glassbox::compute
{

// IEEE half -> float with the same bits as quant::halfToFloat, but without branches, so that loops
// over it vectorize (an F16 KV cache is read this way for every query).
inline float halfToFloatBranchless(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t shifted = std::uint32_t(h & 0x7fffu) << 13; // exponent and mantissa where a float has them
    const std::uint32_t exponent = shifted & 0x0f800000u;
    // Rebias the exponent by 127 - 15; infinity and NaN keep an all-ones exponent. A subnormal is
    // built as 2^-14 * (1 + mantissa), then 2^-14 is taken away again (exactly).
    const std::uint32_t rebias = exponent == 0x0f800000u ? (127 - 15 + 128 - 16) << 23 : exponent == 0 ? (127 - 15 + 1) << 23 : (127 - 15) << 23;
    const float value = std::bit_cast<float>(shifted + rebias);
    const float magnitude = exponent == 0 ? value - std::bit_cast<float>(113u << 23) : value;
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(magnitude) | sign);
}

// n halves, read from possibly unaligned bytes, as floats.
GLASSBOX_HOT_LOOP inline void halvesToFloats(const std::uint8_t *halves, float *out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, halves + 2 * i, sizeof h);
        out[i] = halfToFloatBranchless(h);
    }
}

} // namespace glassbox::compute
