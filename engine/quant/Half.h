#pragma once

#include <bit>
#include <cstdint>

namespace glassbox::quant {

// IEEE binary16 <-> binary32. Every half is exactly a float, and float -> half rounds to nearest even,
// so these give the same bits as ggml's conversions (which use the same rounding); NaN stays NaN.
inline float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    const std::uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f) // inf or NaN
        return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0)
        return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
    // Zero or subnormal: mantissa * 2^-24 is exact in float.
    const float magnitude = float(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
}

inline std::uint16_t floatToHalf(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const std::uint16_t sign = std::uint16_t((bits >> 16) & 0x8000u);
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) // NaN: keep it quiet
        return sign | 0x7e00u;
    if (magnitude >= 0x477ff000u) // rounds to >= 65520: infinity
        return sign | 0x7c00u;
    if (magnitude < 0x38800000u) {
        // Below the smallest normal half (2^-14): the result is a subnormal multiple of 2^-24. Adding
        // 0.5 (2^-1) aligns that grid with float's unit in the last place, so the float addition
        // itself rounds to nearest even.
        const float shifted = std::bit_cast<float>(magnitude) + 0.5f;
        return sign | std::uint16_t(std::bit_cast<std::uint32_t>(shifted) - 0x3f000000u);
    }
    // Normal: drop 13 mantissa bits with round-to-nearest-even; a carry into the exponent is right.
    const std::uint32_t odd = (magnitude >> 13) & 1u;
    const std::uint32_t rounded = magnitude + 0xfffu + odd;
    return sign | std::uint16_t((rounded - 0x38000000u) >> 13);
}

// bfloat16 is the top half of a float.
inline float bf16ToFloat(std::uint16_t h)
{
    return std::bit_cast<float>(std::uint32_t(h) << 16);
}

inline std::uint16_t floatToBf16(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: force it quiet
        return std::uint16_t((bits >> 16) | 0x40u);
    return std::uint16_t((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16); // round to nearest even
}

} // namespace glassbox::quant
