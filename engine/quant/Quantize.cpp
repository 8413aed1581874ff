#include "Quantize.h"

#include "BlockLayouts.h"
#include "Half.h"
#include "KQuantize.h"
#include "SupportedTypes.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

// Same float operations in the same order as ggml's reference (compiled with -ffp-contract=off), so
// the bytes match it exactly. The float-to-integer casts truncate, as ggml's do.
namespace glassbox::quant {

namespace {

// The value of largest magnitude, with its sign (the first one on ties).
float signedAbsMax(const float *x, int n)
{
    float amax = 0;
    float max = 0;
    for (int j = 0; j < n; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

void minMax(const float *x, int n, float &min, float &max)
{
    min = FLT_MAX;
    max = -FLT_MAX;
    for (int j = 0; j < n; ++j) {
        min = std::min(min, x[j]);
        max = std::max(max, x[j]);
    }
}

// Q4_0 / Q5_0: d = max / -2^(bits-1), so the largest magnitude maps to level 0 exactly.
template<int Bits>
void quantizeSymmetric(const float *x, float &d, std::uint8_t *levels)
{
    constexpr int kHalf = 1 << (Bits - 1);
    d = signedAbsMax(x, kQK) / -kHalf;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < kQK; ++j)
        levels[j] = std::uint8_t(std::min(2 * kHalf - 1, int(std::int8_t(x[j] * id + (float(kHalf) + 0.5f)))));
}

// Q4_1 / Q5_1: d = (max - min) / (2^bits - 1), levels from the minimum.
template<int Bits>
void quantizeWithMin(const float *x, float &d, float &min, std::uint8_t *levels)
{
    constexpr int kTop = (1 << Bits) - 1;
    float max;
    minMax(x, kQK, min, max);
    d = (max - min) / kTop;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < kQK; ++j)
        levels[j] = std::uint8_t(std::min(kTop, int(std::int8_t((x[j] - min) * id + 0.5f))));
}

// Low nibbles: element j in qs[j] low, element j + 16 in qs[j] high; fifth bits into qh bit j.
void packNibbles(const std::uint8_t *levels, std::uint8_t *qs)
{
    for (int j = 0; j < kQK / 2; ++j)
        qs[j] = std::uint8_t((levels[j] & 0xf) | ((levels[j + kQK / 2] & 0xf) << 4));
}

void packFifthBits(const std::uint8_t *levels, std::uint8_t *qh)
{
    std::uint32_t bits = 0;
    for (int j = 0; j < kQK; ++j)
        bits |= std::uint32_t(levels[j] >> 4) << j;
    std::memcpy(qh, &bits, sizeof bits);
}

void quantizeQ4_0(const float *x, BlockQ4_0 &block)
{
    float d;
    std::uint8_t levels[kQK];
    quantizeSymmetric<4>(x, d, levels);
    block.d = floatToHalf(d);
    packNibbles(levels, block.qs);
}

void quantizeQ4_1(const float *x, BlockQ4_1 &block)
{
    float d, min;
    std::uint8_t levels[kQK];
    quantizeWithMin<4>(x, d, min, levels);
    block.d = floatToHalf(d);
    block.m = floatToHalf(min);
    packNibbles(levels, block.qs);
}

void quantizeQ5_0(const float *x, BlockQ5_0 &block)
{
    float d;
    std::uint8_t levels[kQK];
    quantizeSymmetric<5>(x, d, levels);
    block.d = floatToHalf(d);
    packNibbles(levels, block.qs);
    packFifthBits(levels, block.qh);
}

void quantizeQ5_1(const float *x, BlockQ5_1 &block)
{
    float d, min;
    std::uint8_t levels[kQK];
    quantizeWithMin<5>(x, d, min, levels);
    block.d = floatToHalf(d);
    block.m = floatToHalf(min);
    packNibbles(levels, block.qs);
    packFifthBits(levels, block.qh);
}

void quantizeQ8_0(const float *x, BlockQ8_0 &block)
{
    float amax = 0;
    for (int j = 0; j < kQK; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    block.d = floatToHalf(d);
    for (int j = 0; j < kQK; ++j)
        block.qs[j] = std::int8_t(std::round(x[j] * id));
}

template<typename Block, int BlockElements>
void quantizeBlocks(const float *in, void *out, std::int64_t n, void (*quantizeBlock)(const float *, Block &))
{
    Block *blocks = static_cast<Block *>(out);
    for (std::int64_t b = 0; b < n / BlockElements; ++b)
        quantizeBlock(in + b * BlockElements, blocks[b]);
}

} // namespace

std::size_t quantizeRow(gguf::TensorType type, const float *in, void *blocks, std::int64_t n)
{
    using gguf::TensorType;
    const std::size_t bytes = rowBytes(type, n); // validates the type and the block count
    switch (type) {
    case TensorType::F32:
        std::memcpy(blocks, in, bytes);
        break;
    case TensorType::F16:
        std::transform(in, in + n, static_cast<std::uint16_t *>(blocks), floatToHalf);
        break;
    case TensorType::BF16:
        std::transform(in, in + n, static_cast<std::uint16_t *>(blocks), floatToBf16);
        break;
    case TensorType::Q4_0:
        quantizeBlocks<BlockQ4_0, kQK>(in, blocks, n, quantizeQ4_0);
        break;
    case TensorType::Q4_1:
        quantizeBlocks<BlockQ4_1, kQK>(in, blocks, n, quantizeQ4_1);
        break;
    case TensorType::Q5_0:
        quantizeBlocks<BlockQ5_0, kQK>(in, blocks, n, quantizeQ5_0);
        break;
    case TensorType::Q5_1:
        quantizeBlocks<BlockQ5_1, kQK>(in, blocks, n, quantizeQ5_1);
        break;
    case TensorType::Q8_0:
        quantizeBlocks<BlockQ8_0, kQK>(in, blocks, n, quantizeQ8_0);
        break;
    case TensorType::Q2_K:
        quantizeBlocks<BlockQ2_K, kQK_K>(in, blocks, n, quantizeBlockQ2_K);
        break;
    case TensorType::Q3_K:
        quantizeBlocks<BlockQ3_K, kQK_K>(in, blocks, n, quantizeBlockQ3_K);
        break;
    case TensorType::Q4_K:
        quantizeBlocks<BlockQ4_K, kQK_K>(in, blocks, n, quantizeBlockQ4_K);
        break;
    case TensorType::Q5_K:
        quantizeBlocks<BlockQ5_K, kQK_K>(in, blocks, n, quantizeBlockQ5_K);
        break;
    case TensorType::Q6_K:
        quantizeBlocks<BlockQ6_K, kQK_K>(in, blocks, n, quantizeBlockQ6_K);
        break;
    default:
        break; // rowBytes has thrown
    }
    return bytes;
}

} // namespace glassbox::quant
