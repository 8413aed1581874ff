#pragma once

#include <cstdint>

// The block structs of ggml's quantized types, byte for byte as they lie in a GGUF file. Scales are
// IEEE halves stored as raw bits (see Half.h). Every struct needs only 2-byte alignment, which tensor
// data in a GGUF file (32-byte aligned offsets, even block sizes) always has.
namespace glassbox::quant {

constexpr int kQK = 32; // elements per block of the legacy formats
constexpr int kQK_K = 256; // elements per super-block of the K-quants

// d * q, q in [-8, 7]; element j in the low nibble of qs[j], element j + 16 in the high nibble.
struct BlockQ4_0 {
    std::uint16_t d;
    std::uint8_t qs[kQK / 2];
};

// d * q + m, q in [0, 15]; nibbles as Q4_0.
struct BlockQ4_1 {
    std::uint16_t d;
    std::uint16_t m;
    std::uint8_t qs[kQK / 2];
};

// d * q, q in [-16, 15]: low four bits as Q4_0, the fifth bit of element j in bit j of qh.
struct BlockQ5_0 {
    std::uint16_t d;
    std::uint8_t qh[4];
    std::uint8_t qs[kQK / 2];
};

// d * q + m, q in [0, 31]; bits as Q5_0.
struct BlockQ5_1 {
    std::uint16_t d;
    std::uint16_t m;
    std::uint8_t qh[4];
    std::uint8_t qs[kQK / 2];
};

// d * q, q in [-127, 127].
struct BlockQ8_0 {
    std::uint16_t d;
    std::int8_t qs[kQK];
};

// 16 sub-blocks of 16: d * (scales[s] & 15) * q - dmin * (scales[s] >> 4), q in [0, 3]. Element e's
// two bits: qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32)).
struct BlockQ2_K {
    std::uint8_t scales[kQK_K / 16];
    std::uint8_t qs[kQK_K / 4];
    std::uint16_t d;
    std::uint16_t dmin;
};

// 16 sub-blocks of 16: d * (scale6[s] - 32) * q, q in [-4, 3]: the low two bits as Q2_K, the third
// bit of element e in hmask[e % 32] bit e / 32. The 6-bit scales: low four bits in nibbles of
// scales[0..7] (s < 8: low nibble of s, else high nibble of s - 8), high two bits in scales[8 + s % 4]
// at bit 2 * (s / 4).
struct BlockQ3_K {
    std::uint8_t hmask[kQK_K / 8];
    std::uint8_t qs[kQK_K / 4];
    std::uint8_t scales[12];
    std::uint16_t d;
};

// 8 sub-blocks of 32: d * scale6[s] * q - dmin * min6[s], q in [0, 15]; sub-blocks 2c and 2c + 1
// are the low and high nibbles of qs[32c .. 32c + 31]. The 6-bit scales and mins pack into 12 bytes
// (see unpackScaleMinK4 in KQuantScales.h).
struct BlockQ4_K {
    std::uint16_t d;
    std::uint16_t dmin;
    std::uint8_t scales[12];
    std::uint8_t qs[kQK_K / 2];
};

// As Q4_K with q in [0, 31]: the fifth bit of sub-block s's element l in qh[l] bit s.
struct BlockQ5_K {
    std::uint16_t d;
    std::uint16_t dmin;
    std::uint8_t scales[12];
    std::uint8_t qh[kQK_K / 8];
    std::uint8_t qs[kQK_K / 2];
};

// 16 sub-blocks of 16: d * scales[s] * q, q in [-32, 31]. In each half h of 128 elements, group g of
// 32 (element l): low nibble from ql[64h + 32 * (g & 1) + l] (g < 2: low, else high nibble), top two
// bits from qh[32h + l] >> (2g).
struct BlockQ6_K {
    std::uint8_t ql[kQK_K / 2];
    std::uint8_t qh[kQK_K / 4];
    std::int8_t scales[kQK_K / 16];
    std::uint16_t d;
};

static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22 && sizeof(BlockQ5_1) == 24
              && sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ2_K) == 84 && sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144 && sizeof(BlockQ5_K) == 176
              && sizeof(BlockQ6_K) == 210);

} // namespace glassbox::quant
