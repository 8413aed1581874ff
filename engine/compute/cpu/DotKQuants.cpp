#include "DotProducts.h"

#include "compute/cpu/HotLoop.h"
#include "quant/Half.h"
#include "quant/KQuantScales.h"

#include <cmath>

// The K-quants against Q8_K. Each super-block's weight quants are unpacked to signed bytes; the
// products then go, scaled by their sub-block's integer scale, into eight int32 lanes (element i in
// lane i % 8), and each lane is scaled into its own float sum, as ggml's reference does.
namespace glassbox::compute::dot
{

using quant::halfToFloat;
using quant::kQK_K;

namespace
{

constexpr int kLanes = 8;

// lanes[l] += scale * Σ a[i] * q8[i] over the `count` elements i ≡ l (mod 8).
inline void addScaled(std::int32_t *lanes, int scale, const std::int8_t *a, const std::int8_t *q8, int count)
{
    for (int i = 0; i < count; i += kLanes)
        for (int l = 0; l < kLanes; ++l)
            lanes[l] += scale * (a[i + l] * q8[i + l]);
}

inline void addLanes(float *sums, float d, const std::int32_t *lanes)
{
    for (int l = 0; l < kLanes; ++l)
        sums[l] += d * static_cast<float>(lanes[l]);
}

inline float total(float sum, const float *sums)
{
    for (int l = 0; l < kLanes; ++l)
        sum += sums[l];
    return sum;
}

// Σ bsums[g] * min of g's 32-element sub-block, for the formats with 8 sub-blocks of 32.
inline int minimumSum(const std::uint8_t *packedScales, const BlockQ8_K &a)
{
    int sum = 0;
    for (int g = 0; g < kQK_K / 16; ++g) {
        std::uint8_t scale;
        std::uint8_t min;
        quant::unpackScaleMinK4(g / 2, packedScales, scale, min);
        sum += a.bsums[g] * min;
    }
    return sum;
}

// Q4_K / Q5_K after unpacking: eight sub-blocks of 32 with 6-bit scales and mins.
template<typename Block>
void scaledMinDot(const Block &w, const BlockQ8_K &a, const std::int8_t *q, float &sumf, float *sums)
{
    std::int32_t lanes[kLanes] = {};
    for (int s = 0; s < 8; ++s) {
        std::uint8_t scale;
        std::uint8_t min;
        quant::unpackScaleMinK4(s, w.scales, scale, min);
        addScaled(lanes, scale, q + 32 * s, a.qs + 32 * s, 32);
    }
    addLanes(sums, halfToFloat(w.d) * a.d, lanes);
    sumf -= halfToFloat(w.dmin) * a.d * static_cast<float>(minimumSum(w.scales, a));
}

} // namespace

GLASSBOX_HOT_LOOP float q2_K(const quant::BlockQ2_K *w, const BlockQ8_K *a, std::size_t n)
{
    float sum = 0.0f;
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        const quant::BlockQ2_K &x = w[b];
        const BlockQ8_K &y = a[b];
        int minimums = 0;
        for (int g = 0; g < 16; ++g)
            minimums += y.bsums[g] * (x.scales[g] >> 4);
        // Element e: two bits of qs[32 * (e / 128) + e % 32] at 2 * (e % 128 / 32); sub-block e / 16.
        int isum = 0;
        for (int g = 0; g < 16; ++g) {
            const std::uint8_t *q2 = x.qs + 32 * (g / 8) + 16 * (g % 2);
            const int shift = 2 * (g % 8 / 2);
            const std::int8_t *q8 = y.qs + 16 * g;
            int groupSum = 0;
            for (int l = 0; l < 16; ++l)
                groupSum += q8[l] * ((q2[l] >> shift) & 3);
            isum += (x.scales[g] & 0xf) * groupSum;
        }
        const float dall = y.d * halfToFloat(x.d);
        const float dmin = y.d * halfToFloat(x.dmin);
        sum += dall * static_cast<float>(isum) - dmin * static_cast<float>(minimums);
    }
    return sum;
}

GLASSBOX_HOT_LOOP float q3_K(const quant::BlockQ3_K *w, const BlockQ8_K *a, std::size_t n)
{
    float sums[kLanes] = {};
    std::int8_t q[kQK_K];
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        const quant::BlockQ3_K &x = w[b];
        for (int e = 0; e < kQK_K; ++e) {
            const int low = (x.qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3;
            const bool high = (x.hmask[e % 32] >> (e / 32)) & 1;
            q[e] = static_cast<std::int8_t>(low - (high ? 0 : 4));
        }
        std::int32_t lanes[kLanes] = {};
        for (int s = 0; s < 16; ++s)
            addScaled(lanes, quant::unpackScaleQ3K(s, x.scales), q + 16 * s, a[b].qs + 16 * s, 16);
        addLanes(sums, halfToFloat(x.d) * a[b].d, lanes);
    }
    return total(0.0f, sums);
}

GLASSBOX_HOT_LOOP float q4_K(const quant::BlockQ4_K *w, const BlockQ8_K *a, std::size_t n)
{
    float sum = 0.0f;
    float sums[kLanes] = {};
    std::int8_t q[kQK_K];
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        // Sub-blocks 2c and 2c + 1 are the low and high nibbles of qs[32c .. 32c + 31].
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l) {
                q[64 * c + l] = static_cast<std::int8_t>(w[b].qs[32 * c + l] & 0x0f);
                q[64 * c + 32 + l] = static_cast<std::int8_t>(w[b].qs[32 * c + l] >> 4);
            }
        scaledMinDot(w[b], a[b], q, sum, sums);
    }
    return total(sum, sums);
}

// ggml_vec_dot_q5_K_q8_K for AVX2 (Q5_K is not repacked on x86): the unsigned quants times their
// sub-block's scale go into eight int32 lanes, lane l holding the elements e with e % 32 in
// [4l, 4l + 4), and each lane into its float sum by a fused multiply-add. The minimums go into one
// float sum, by a fused multiply-add too (GCC contracts it), added after the lanes.
GLASSBOX_HOT_LOOP float q5_K(const quant::BlockQ5_K *w, const BlockQ8_K *a, std::size_t n)
{
    float minimums = 0.0f;
    float sums[kLanes] = {};
    std::int8_t q[kQK_K];
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        // As Q4_K, with the fifth bit of sub-block s's element l in qh[l] bit s.
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l) {
                const int qh = w[b].qh[l];
                q[64 * c + l] = static_cast<std::int8_t>((w[b].qs[32 * c + l] & 0x0f) | ((qh >> (2 * c)) & 1) << 4);
                q[64 * c + 32 + l] = static_cast<std::int8_t>((w[b].qs[32 * c + l] >> 4) | ((qh >> (2 * c + 1)) & 1) << 4);
            }
        std::uint8_t scales[8];
        for (int s = 0; s < 8; ++s) {
            std::uint8_t min;
            quant::unpackScaleMinK4(s, w[b].scales, scales[s], min);
        }
        std::int32_t lanes[kLanes] = {};
        for (int e = 0; e < kQK_K; ++e)
            lanes[e % 32 / 4] += scales[e / 32] * (q[e] * a[b].qs[e]);
        const float d = a[b].d * halfToFloat(w[b].d);
        for (int l = 0; l < kLanes; ++l)
            sums[l] = std::fma(d, static_cast<float>(lanes[l]), sums[l]);
        const float dmin = -a[b].d * halfToFloat(w[b].dmin);
        minimums = std::fma(static_cast<float>(minimumSum(w[b].scales, a[b])), dmin, minimums);
    }
    return sumLanes(sums) + minimums;
}

// ggml_vec_dot_q6_K_q8_K for AVX2 (Q6_K is not repacked on x86): the quants are taken unsigned
// (0 .. 63) into eight int32 lanes, lane l holding the elements e with e % 32 in [4l, 4l + 4), each
// times its sub-block's scale; the offset 32 is subtracted per lane as 32 * the scaled Q8_K sums of
// sub-blocks 2l and 2l + 1. Each lane then goes into its float sum by a fused multiply-add.
GLASSBOX_HOT_LOOP float q6_K(const quant::BlockQ6_K *w, const BlockQ8_K *a, std::size_t n)
{
    float sums[kLanes] = {};
    std::int8_t q[kQK_K];
    for (std::size_t b = 0; b < n / kQK_K; ++b) {
        const quant::BlockQ6_K &x = w[b];
        const BlockQ8_K &y = a[b];
        for (int h = 0; h < 2; ++h) {
            const std::uint8_t *ql = x.ql + 64 * h;
            const std::uint8_t *qh = x.qh + 32 * h;
            std::int8_t *out = q + 128 * h;
            for (int l = 0; l < 32; ++l) {
                out[l] = static_cast<std::int8_t>((ql[l] & 0x0f) | ((qh[l] >> 0) & 3) << 4);
                out[l + 32] = static_cast<std::int8_t>((ql[l + 32] & 0x0f) | ((qh[l] >> 2) & 3) << 4);
                out[l + 64] = static_cast<std::int8_t>((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4);
                out[l + 96] = static_cast<std::int8_t>((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4);
            }
        }
        std::int32_t lanes[kLanes] = {};
        for (int e = 0; e < kQK_K; ++e)
            lanes[e % 32 / 4] += x.scales[e / 16] * (q[e] * y.qs[e]);
        const float d = y.d * halfToFloat(x.d);
        for (int l = 0; l < kLanes; ++l) {
            const int offset = 32 * (x.scales[2 * l] * y.bsums[2 * l] + x.scales[2 * l + 1] * y.bsums[2 * l + 1]);
            sums[l] = std::fma(d, static_cast<float>(lanes[l] - offset), sums[l]);
        }
    }
    return sumLanes(sums);
}

} // namespace glassbox::compute::dot
