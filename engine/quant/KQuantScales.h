#pragma once

#include <cstdint>

// How the K-quants pack their 6-bit sub-block scales; shared by dequantization and quantization.
namespace glassbox::quant {

// Q4_K / Q5_K: eight 6-bit scales and eight 6-bit mins in 12 bytes. Sub-blocks 0-3 keep theirs whole
// in bytes 0-3 (scale) and 4-7 (min); sub-blocks 4-7 keep their low four bits in the nibbles of bytes
// 8-11 and their top two bits in the spare top bits of bytes 0-7.
inline void unpackScaleMinK4(int j, const std::uint8_t *packed, std::uint8_t &scale, std::uint8_t &min)
{
    if (j < 4) {
        scale = packed[j] & 63;
        min = packed[j + 4] & 63;
    } else {
        scale = std::uint8_t((packed[j + 4] & 0xf) | ((packed[j - 4] >> 6) << 4));
        min = std::uint8_t((packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));
    }
}

// `packed` must start zeroed.
inline void packScaleMinK4(int j, std::uint8_t scale, std::uint8_t min, std::uint8_t *packed)
{
    if (j < 4) {
        packed[j] = scale;
        packed[j + 4] = min;
    } else {
        packed[j + 4] = std::uint8_t((scale & 0xf) | ((min & 0xf) << 4));
        packed[j - 4] |= std::uint8_t((scale >> 4) << 6);
        packed[j] |= std::uint8_t((min >> 4) << 6);
    }
}

// Q3_K: sixteen 6-bit scales (stored with a +32 bias) in 12 bytes: low four bits in the nibbles of
// bytes 0-7 (s < 8 low nibble of byte s, else high nibble of byte s - 8), top two bits in byte
// 8 + s % 4 at bit 2 * (s / 4).
inline int unpackScaleQ3K(int s, const std::uint8_t *packed)
{
    const int low = s < 8 ? packed[s] & 0xf : packed[s - 8] >> 4;
    const int high = (packed[8 + s % 4] >> (2 * (s / 4))) & 3;
    return (low | (high << 4)) - 32;
}

// `biased` is the scale + 32, in [0, 63]; `packed` must start zeroed.
inline void packScaleQ3K(int s, int biased, std::uint8_t *packed)
{
    if (s < 8)
        packed[s] = std::uint8_t(biased & 0xf);
    else
        packed[s - 8] |= std::uint8_t((biased & 0xf) << 4);
    packed[8 + s % 4] |= std::uint8_t((biased >> 4) << (2 * (s / 4)));
}

} // namespace glassbox::quant
