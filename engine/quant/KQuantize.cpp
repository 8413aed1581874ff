#include "KQuantize.h"

#include "Half.h"
#include "KQuantScales.h"
#include "KQuantSearch.h"

#include <algorithm>
#include <cmath>
#include <cstring>

// Same float operations in the same order as ggml's reference (compiled with -ffp-contract=off), so
// the bytes match it exactly.
namespace glassbox::quant {

namespace {

constexpr float kGroupMaxEps = 1e-15f;

int clamp(int value, int low, int high)
{
    return std::max(low, std::min(high, value));
}

// Re-rounds every value against the final (half-precision) sub-block scale and min: what the
// dequantizer will actually use. Sub-blocks whose scale rounds to 0 keep the search's levels.
void requantizeWithMin(const float *x, int n, float d, float dm, int nmax, std::uint8_t *levels)
{
    if (d == 0.0f)
        return;
    for (int i = 0; i < n; ++i)
        levels[i] = std::uint8_t(clamp(nearestInt((x[i] + dm) / d), 0, nmax));
}

// Four 2-bit levels per byte: element j + 32k of each 128 in bits 2k of byte j.
void packTwoBits(const std::uint8_t *levels, std::uint8_t *qs)
{
    for (int half = 0; half < kQK_K; half += 128) {
        for (int l = 0; l < 32; ++l) {
            qs[half / 4 + l] = std::uint8_t(levels[half + l] | (levels[half + l + 32] << 2) | (levels[half + l + 64] << 4)
                                            | (levels[half + l + 96] << 6));
        }
    }
}

// Q4_K and Q5_K share everything but the number of levels and the search's trial range.
template<typename Block>
void quantizeScaleMinBlock(const float *x, Block &block, int nmax, float rmin, int nstep, std::uint8_t *levels)
{
    float scales[kQK_K / 32];
    float mins[kQK_K / 32];
    float weights[32];
    std::uint8_t scratch[32];
    float maxScale = 0;
    float maxMin = 0;
    for (int j = 0; j < kQK_K / 32; ++j) {
        const float *xs = x + 32 * j;
        float sumX2 = 0;
        for (int l = 0; l < 32; ++l)
            sumX2 += xs[l] * xs[l];
        const float averageX = std::sqrt(sumX2 / 32);
        for (int l = 0; l < 32; ++l)
            weights[l] = averageX + std::fabs(xs[l]);
        const ScaleMin found = searchScaleMin(32, nmax, xs, weights, levels + 32 * j, scratch, rmin, 0.1f, nstep, false);
        scales[j] = found.scale;
        mins[j] = found.min;
        maxScale = std::max(maxScale, found.scale);
        maxMin = std::max(maxMin, found.min);
    }

    const float inverseScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float inverseMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    std::memset(block.scales, 0, sizeof block.scales);
    for (int j = 0; j < kQK_K / 32; ++j) {
        // The byte conversion wraps like ggml's uint8_t assignment before the clamp.
        const std::uint8_t ls = std::min<std::uint8_t>(63, std::uint8_t(nearestInt(inverseScale * scales[j])));
        const std::uint8_t lm = std::min<std::uint8_t>(63, std::uint8_t(nearestInt(inverseMin * mins[j])));
        packScaleMinK4(j, ls, lm, block.scales);
    }
    block.d = floatToHalf(maxScale / 63.f);
    block.dmin = floatToHalf(maxMin / 63.f);

    for (int j = 0; j < kQK_K / 32; ++j) {
        std::uint8_t sc, m;
        unpackScaleMinK4(j, block.scales, sc, m);
        requantizeWithMin(x + 32 * j, 32, halfToFloat(block.d) * float(sc), halfToFloat(block.dmin) * float(m), nmax, levels + 32 * j);
    }
}

} // namespace

void quantizeBlockQ2_K(const float *x, BlockQ2_K &block)
{
    constexpr float kScaleLevels = 15.f; // 4-bit sub-block scales and mins
    std::uint8_t levels[kQK_K];
    std::uint8_t scratch[16];
    float weights[16];
    float scales[kQK_K / 16];
    float mins[kQK_K / 16];
    float maxScale = 0;
    float maxMin = 0;
    for (int j = 0; j < kQK_K / 16; ++j) {
        for (int l = 0; l < 16; ++l)
            weights[l] = std::fabs(x[16 * j + l]);
        const ScaleMin found = searchScaleMin(16, 3, x + 16 * j, weights, levels + 16 * j, scratch, -0.5f, 0.1f, 15, true);
        scales[j] = found.scale;
        mins[j] = found.min;
        maxScale = std::max(maxScale, found.scale);
        maxMin = std::max(maxMin, found.min);
    }

    std::memset(block.scales, 0, sizeof block.scales);
    block.d = floatToHalf(0.f);
    block.dmin = floatToHalf(0.f);
    if (maxScale > 0) {
        const float iscale = kScaleLevels / maxScale;
        for (int j = 0; j < kQK_K / 16; ++j)
            block.scales[j] = std::uint8_t(nearestInt(iscale * scales[j]));
        block.d = floatToHalf(maxScale / kScaleLevels);
    }
    if (maxMin > 0) {
        const float iscale = kScaleLevels / maxMin;
        for (int j = 0; j < kQK_K / 16; ++j)
            block.scales[j] |= std::uint8_t(nearestInt(iscale * mins[j]) << 4);
        block.dmin = floatToHalf(maxMin / kScaleLevels);
    }
    for (int j = 0; j < kQK_K / 16; ++j) {
        const float d = halfToFloat(block.d) * float(block.scales[j] & 0xf);
        const float dm = halfToFloat(block.dmin) * float(block.scales[j] >> 4);
        requantizeWithMin(x + 16 * j, 16, d, dm, 3, levels + 16 * j);
    }
    packTwoBits(levels, block.qs);
}

// Searches the scale of each 16-element group and returns the one of largest magnitude, sign kept
// (the first one on ties), which Q3_K and Q6_K quantize the others against.
template<typename Search>
float searchGroupScales(float *scales, Search search)
{
    float maxScale = 0;
    float maxAbsScale = 0;
    for (int j = 0; j < kQK_K / 16; ++j) {
        scales[j] = search(j);
        if (std::fabs(scales[j]) > maxAbsScale) {
            maxAbsScale = std::fabs(scales[j]);
            maxScale = scales[j];
        }
    }
    return maxScale;
}

void quantizeBlockQ3_K(const float *x, BlockQ3_K &block)
{
    std::int8_t levels[kQK_K];
    float scales[kQK_K / 16];
    const float maxScale = searchGroupScales(scales, [&](int j) { return searchQ3Scale(16, 4, x + 16 * j, levels + 16 * j); });

    std::memset(block.scales, 0, sizeof block.scales);
    if (maxScale != 0.0f) {
        const float iscale = -32.f / maxScale;
        for (int j = 0; j < kQK_K / 16; ++j) {
            const int l = clamp(std::int8_t(nearestInt(iscale * scales[j])), -32, 31);
            packScaleQ3K(j, l + 32, block.scales);
        }
        block.d = floatToHalf(1 / iscale);
    } else {
        block.d = floatToHalf(0.f);
    }

    for (int j = 0; j < kQK_K / 16; ++j) {
        const float d = halfToFloat(block.d) * float(unpackScaleQ3K(j, block.scales));
        if (d == 0.0f)
            continue;
        for (int i = 0; i < 16; ++i)
            levels[16 * j + i] = std::int8_t(clamp(nearestInt(x[16 * j + i] / d), -4, 3) + 4);
    }

    // The third bit of element e goes to hmask[e % 32], bit e / 32; the low two bits as Q2_K.
    std::uint8_t low[kQK_K];
    std::memset(block.hmask, 0, sizeof block.hmask);
    for (int e = 0; e < kQK_K; ++e) {
        if (levels[e] > 3)
            block.hmask[e % 32] |= std::uint8_t(1u << (e / 32));
        low[e] = std::uint8_t(levels[e] & 3);
    }
    packTwoBits(low, block.qs);
}

void quantizeBlockQ4_K(const float *x, BlockQ4_K &block)
{
    std::uint8_t levels[kQK_K];
    quantizeScaleMinBlock(x, block, 15, -1.f, 20, levels);
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l)
            block.qs[32 * c + l] = std::uint8_t(levels[64 * c + l] | (levels[64 * c + l + 32] << 4));
    }
}

void quantizeBlockQ5_K(const float *x, BlockQ5_K &block)
{
    std::uint8_t levels[kQK_K];
    quantizeScaleMinBlock(x, block, 31, -0.5f, 15, levels);
    std::memset(block.qh, 0, sizeof block.qh);
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l) {
            const int first = levels[64 * c + l];
            const int second = levels[64 * c + l + 32];
            block.qh[l] |= std::uint8_t(((first >> 4) << (2 * c)) | ((second >> 4) << (2 * c + 1)));
            block.qs[32 * c + l] = std::uint8_t((first & 0xf) | ((second & 0xf) << 4));
        }
    }
}

void quantizeBlockQ6_K(const float *x, BlockQ6_K &block)
{
    std::int8_t levels[kQK_K];
    float scales[kQK_K / 16];
    const float maxScale = searchGroupScales(scales, [&](int j) { return searchSymmetricScale(16, 32, x + 16 * j, levels + 16 * j); });
    const float maxAbsScale = std::fabs(maxScale);
    if (maxAbsScale < kGroupMaxEps) {
        std::memset(&block, 0, sizeof block);
        return;
    }

    const float iscale = -128.f / maxScale;
    block.d = floatToHalf(1 / iscale);
    for (int j = 0; j < kQK_K / 16; ++j)
        block.scales[j] = std::int8_t(std::min(127, nearestInt(iscale * scales[j])));
    for (int j = 0; j < kQK_K / 16; ++j) {
        const float d = halfToFloat(block.d) * float(block.scales[j]);
        if (d == 0.0f)
            continue;
        for (int i = 0; i < 16; ++i)
            levels[16 * j + i] = std::int8_t(clamp(nearestInt(x[16 * j + i] / d), -32, 31) + 32);
    }

    for (int half = 0; half < 2; ++half) {
        const std::int8_t *L = levels + 128 * half;
        std::uint8_t *ql = block.ql + 64 * half;
        std::uint8_t *qh = block.qh + 32 * half;
        for (int l = 0; l < 32; ++l) {
            ql[l] = std::uint8_t((L[l] & 0xf) | ((L[l + 64] & 0xf) << 4));
            ql[l + 32] = std::uint8_t((L[l + 32] & 0xf) | ((L[l + 96] & 0xf) << 4));
            qh[l] = std::uint8_t((L[l] >> 4) | ((L[l + 32] >> 4) << 2) | ((L[l + 64] >> 4) << 4) | ((L[l + 96] >> 4) << 6));
        }
    }
}

} // namespace glassbox::quant
