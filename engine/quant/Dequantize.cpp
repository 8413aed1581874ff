#include "Dequantize.h"

#include "BlockLayouts.h"
#include "Half.h"
#include "KQuantScales.h"
#include "SupportedTypes.h"

#include <cstring>

// The arithmetic below keeps ggml's order of operations (e.g. (d * scale) * q - m), so that results
// are bit-identical; the file is compiled with -ffp-contract=off for the same reason.
namespace glassbox::quant {

namespace {

void dequantizeF16(const std::uint16_t *in, float *out, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        out[i] = halfToFloat(in[i]);
}

void dequantizeBF16(const std::uint16_t *in, float *out, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        out[i] = bf16ToFloat(in[i]);
}

void dequantizeQ4_0(const BlockQ4_0 *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b, out += kQK) {
        const float d = halfToFloat(blocks[b].d);
        for (int j = 0; j < kQK / 2; ++j) {
            out[j] = float((blocks[b].qs[j] & 0xf) - 8) * d;
            out[j + kQK / 2] = float((blocks[b].qs[j] >> 4) - 8) * d;
        }
    }
}

void dequantizeQ4_1(const BlockQ4_1 *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b, out += kQK) {
        const float d = halfToFloat(blocks[b].d);
        const float m = halfToFloat(blocks[b].m);
        for (int j = 0; j < kQK / 2; ++j) {
            out[j] = float(blocks[b].qs[j] & 0xf) * d + m;
            out[j + kQK / 2] = float(blocks[b].qs[j] >> 4) * d + m;
        }
    }
}

// The fifth bits of a Q5 block, one per element.
std::uint32_t loadHighBits(const std::uint8_t *qh)
{
    std::uint32_t bits;
    std::memcpy(&bits, qh, sizeof bits);
    return bits;
}

void dequantizeQ5_0(const BlockQ5_0 *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b, out += kQK) {
        const float d = halfToFloat(blocks[b].d);
        const std::uint32_t qh = loadHighBits(blocks[b].qh);
        for (int j = 0; j < kQK / 2; ++j) {
            const int low = int(blocks[b].qs[j] & 0xf) | int((qh >> j) & 1) << 4;
            const int high = int(blocks[b].qs[j] >> 4) | int((qh >> (j + kQK / 2)) & 1) << 4;
            out[j] = float(low - 16) * d;
            out[j + kQK / 2] = float(high - 16) * d;
        }
    }
}

void dequantizeQ5_1(const BlockQ5_1 *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b, out += kQK) {
        const float d = halfToFloat(blocks[b].d);
        const float m = halfToFloat(blocks[b].m);
        const std::uint32_t qh = loadHighBits(blocks[b].qh);
        for (int j = 0; j < kQK / 2; ++j) {
            const int low = int(blocks[b].qs[j] & 0xf) | int((qh >> j) & 1) << 4;
            const int high = int(blocks[b].qs[j] >> 4) | int((qh >> (j + kQK / 2)) & 1) << 4;
            out[j] = float(low) * d + m;
            out[j + kQK / 2] = float(high) * d + m;
        }
    }
}

void dequantizeQ8_0(const BlockQ8_0 *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b, out += kQK) {
        const float d = halfToFloat(blocks[b].d);
        for (int j = 0; j < kQK; ++j)
            out[j] = float(blocks[b].qs[j]) * d;
    }
}

void dequantizeQ2_K(const BlockQ2_K *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b) {
        const BlockQ2_K &block = blocks[b];
        const float d = halfToFloat(block.d);
        const float dmin = halfToFloat(block.dmin);
        for (int s = 0; s < kQK_K / 16; ++s, out += 16) {
            const float scale = d * float(block.scales[s] & 0xf);
            const float min = dmin * float(block.scales[s] >> 4);
            const int e = 16 * s;
            const std::uint8_t *q = block.qs + 32 * (e / 128) + e % 32;
            const int shift = 2 * (e % 128 / 32);
            for (int l = 0; l < 16; ++l)
                out[l] = scale * float((q[l] >> shift) & 3) - min;
        }
    }
}

void dequantizeQ3_K(const BlockQ3_K *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b) {
        const BlockQ3_K &block = blocks[b];
        const float d = halfToFloat(block.d);
        for (int s = 0; s < kQK_K / 16; ++s, out += 16) {
            const float scale = d * float(unpackScaleQ3K(s, block.scales));
            const int e = 16 * s;
            const std::uint8_t *q = block.qs + 32 * (e / 128) + e % 32;
            const std::uint8_t *hm = block.hmask + e % 32;
            const int shift = 2 * (e % 128 / 32);
            const std::uint8_t highBit = std::uint8_t(1u << (e / 32));
            for (int l = 0; l < 16; ++l)
                out[l] = scale * float(int((q[l] >> shift) & 3) - ((hm[l] & highBit) ? 0 : 4));
        }
    }
}

// Q4_K and Q5_K share the 6-bit scale/min packing and the nibble layout; Q5_K adds a fifth bit per
// element from qh, which `fifthBit(block, l, s)` supplies (always 0 for Q4_K).
template<typename Block, typename FifthBit>
void dequantizeScaleMinK(const Block *blocks, float *out, std::int64_t nb, FifthBit fifthBit)
{
    for (std::int64_t b = 0; b < nb; ++b) {
        const Block &block = blocks[b];
        const float d = halfToFloat(block.d);
        const float dmin = halfToFloat(block.dmin);
        for (int s = 0; s < kQK_K / 32; ++s, out += 32) {
            std::uint8_t sc, m;
            unpackScaleMinK4(s, block.scales, sc, m);
            const float scale = d * float(sc);
            const float min = dmin * float(m);
            const std::uint8_t *q = block.qs + 32 * (s / 2);
            const int shift = 4 * (s % 2);
            for (int l = 0; l < 32; ++l)
                out[l] = scale * float(((q[l] >> shift) & 0xf) | fifthBit(block, l, s)) - min;
        }
    }
}

void dequantizeQ4_K(const BlockQ4_K *blocks, float *out, std::int64_t nb)
{
    dequantizeScaleMinK(blocks, out, nb, [](const BlockQ4_K &, int, int) { return 0; });
}

void dequantizeQ5_K(const BlockQ5_K *blocks, float *out, std::int64_t nb)
{
    dequantizeScaleMinK(blocks, out, nb, [](const BlockQ5_K &block, int l, int s) { return ((block.qh[l] >> s) & 1) << 4; });
}

void dequantizeQ6_K(const BlockQ6_K *blocks, float *out, std::int64_t nb)
{
    for (std::int64_t b = 0; b < nb; ++b) {
        const BlockQ6_K &block = blocks[b];
        const float d = halfToFloat(block.d);
        for (int s = 0; s < kQK_K / 16; ++s, out += 16) {
            const float scale = d * float(block.scales[s]);
            const int e = 16 * s;
            const int half = e / 128, group = e % 128 / 32;
            const std::uint8_t *ql = block.ql + 64 * half + 32 * (group & 1) + e % 32;
            const std::uint8_t *qh = block.qh + 32 * half + e % 32;
            const int lowShift = group < 2 ? 0 : 4;
            for (int l = 0; l < 16; ++l) {
                const int q = int((ql[l] >> lowShift) & 0xf) | int(((qh[l] >> (2 * group)) & 3) << 4);
                out[l] = scale * float(q - 32);
            }
        }
    }
}

} // namespace

void dequantizeRow(gguf::TensorType type, const void *blocks, float *out, std::int64_t n)
{
    using gguf::TensorType;
    rowBytes(type, n); // validates the type and the block count
    switch (type) {
    case TensorType::F32:
        std::memcpy(out, blocks, std::size_t(n) * sizeof(float));
        return;
    case TensorType::F16:
        return dequantizeF16(static_cast<const std::uint16_t *>(blocks), out, n);
    case TensorType::BF16:
        return dequantizeBF16(static_cast<const std::uint16_t *>(blocks), out, n);
    case TensorType::Q4_0:
        return dequantizeQ4_0(static_cast<const BlockQ4_0 *>(blocks), out, n / kQK);
    case TensorType::Q4_1:
        return dequantizeQ4_1(static_cast<const BlockQ4_1 *>(blocks), out, n / kQK);
    case TensorType::Q5_0:
        return dequantizeQ5_0(static_cast<const BlockQ5_0 *>(blocks), out, n / kQK);
    case TensorType::Q5_1:
        return dequantizeQ5_1(static_cast<const BlockQ5_1 *>(blocks), out, n / kQK);
    case TensorType::Q8_0:
        return dequantizeQ8_0(static_cast<const BlockQ8_0 *>(blocks), out, n / kQK);
    case TensorType::Q2_K:
        return dequantizeQ2_K(static_cast<const BlockQ2_K *>(blocks), out, n / kQK_K);
    case TensorType::Q3_K:
        return dequantizeQ3_K(static_cast<const BlockQ3_K *>(blocks), out, n / kQK_K);
    case TensorType::Q4_K:
        return dequantizeQ4_K(static_cast<const BlockQ4_K *>(blocks), out, n / kQK_K);
    case TensorType::Q5_K:
        return dequantizeQ5_K(static_cast<const BlockQ5_K *>(blocks), out, n / kQK_K);
    case TensorType::Q6_K:
        return dequantizeQ6_K(static_cast<const BlockQ6_K *>(blocks), out, n / kQK_K);
    default:
        return; // rowBytes has thrown
    }
}

} // namespace glassbox::quant
