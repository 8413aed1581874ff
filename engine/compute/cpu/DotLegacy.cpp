#include "DotProducts.h"

#include "compute/cpu/HotLoop.h"
#include "quant/Half.h"

#include <cmath>
#include <cstring>

// The 32-element formats. Each block's weight quants are first unpacked to signed bytes, so the
// multiply-add loop is the same plain one for every format.
namespace glassbox::compute::dot
{

using quant::halfToFloat;
using quant::kQK;

namespace
{

// ggml's x86 kernels for these formats (the AVX2 ggml_vec_dot_*, and llamafile's tinyBLAS, which
// llama.cpp takes for batches of two or more rows) keep eight float lanes: lane l takes the integer
// dot product of elements 4l .. 4l + 3 of each block and adds it, times the block's scale product,
// with a fused multiply-add, and the lanes are added at the end (sumLanes). A product of
// two halves is exact in float, so only the fused add rounds.
class Lanes
{
public:
    void add(float scale, const std::int8_t *w, const std::int8_t *a)
    {
        for (int l = 0; l < kLanes; ++l) {
            int sum = 0;
            for (int j = 4 * l; j < 4 * l + 4; ++j)
                sum += w[j] * a[j];
            m_acc[l] = std::fma(scale, static_cast<float>(sum), m_acc[l]);
        }
    }

    float total() const
    {
        return sumLanes(m_acc);
    }

private:
    static constexpr int kLanes = 8;
    float m_acc[kLanes] = {};
};

// Element j in the low nibble of qs[j], element j + 16 in the high one; `offset` is subtracted.
inline void unpackNibbles(const std::uint8_t *qs, int offset, std::int8_t *out)
{
    for (int j = 0; j < kQK / 2; ++j) {
        out[j] = static_cast<std::int8_t>((qs[j] & 0x0f) - offset);
        out[j + kQK / 2] = static_cast<std::int8_t>((qs[j] >> 4) - offset);
    }
}

// Nibbles plus the fifth bit of element j from bit j of qh.
inline void unpackFiveBits(const std::uint8_t *qs, const std::uint8_t *qhBytes, int offset, std::int8_t *out)
{
    std::uint32_t qh;
    std::memcpy(&qh, qhBytes, sizeof qh);
    for (int j = 0; j < kQK / 2; ++j) {
        const int high0 = static_cast<int>((qh >> j) << 4 & 0x10);
        const int high1 = static_cast<int>((qh >> (j + 12)) & 0x10);
        out[j] = static_cast<std::int8_t>(((qs[j] & 0x0f) | high0) - offset);
        out[j + kQK / 2] = static_cast<std::int8_t>(((qs[j] >> 4) | high1) - offset);
    }
}

} // namespace

GLASSBOX_HOT_LOOP float q4_0(const quant::BlockQ4_0 *w, const BlockQ8_0 *a, std::size_t n)
{
    Lanes lanes;
    std::int8_t q[kQK];
    for (std::size_t b = 0; b < n / kQK; ++b) {
        unpackNibbles(w[b].qs, 8, q);
        lanes.add(halfToFloat(w[b].d) * halfToFloat(a[b].d), q, a[b].qs);
    }
    return lanes.total();
}

// llama.cpp repacks Q4_0 matrices of 8k rows for AVX2 (ggml_gemv/gemm_q4_0_8x8_q8_0): one float
// accumulator, which takes each block's whole integer sum times the scale product with a fused
// multiply-add.
GLASSBOX_HOT_LOOP float q4_0Repacked(const quant::BlockQ4_0 *w, const BlockQ8_0 *a, std::size_t n)
{
    float sum = 0.0f;
    std::int8_t q[kQK];
    for (std::size_t b = 0; b < n / kQK; ++b) {
        unpackNibbles(w[b].qs, 8, q);
        int blockSum = 0;
        for (int j = 0; j < kQK; ++j)
            blockSum += q[j] * a[b].qs[j];
        sum = std::fma(static_cast<float>(blockSum), halfToFloat(w[b].d) * halfToFloat(a[b].d), sum);
    }
    return sum;
}

// The minimum's part, m * s per block, goes into a separate float sum, added after the lanes.
GLASSBOX_HOT_LOOP float q4_1(const quant::BlockQ4_1 *w, const BlockQ8_1 *a, std::size_t n)
{
    Lanes lanes;
    float minimums = 0.0f;
    std::int8_t q[kQK];
    for (std::size_t b = 0; b < n / kQK; ++b) {
        unpackNibbles(w[b].qs, 0, q);
        minimums += halfToFloat(w[b].m) * halfToFloat(a[b].s);
        lanes.add(halfToFloat(w[b].d) * halfToFloat(a[b].d), q, a[b].qs);
    }
    return lanes.total() + minimums;
}

GLASSBOX_HOT_LOOP float q5_0(const quant::BlockQ5_0 *w, const BlockQ8_0 *a, std::size_t n)
{
    Lanes lanes;
    std::int8_t q[kQK];
    for (std::size_t b = 0; b < n / kQK; ++b) {
        unpackFiveBits(w[b].qs, w[b].qh, 16, q);
        lanes.add(halfToFloat(w[b].d) * halfToFloat(a[b].d), q, a[b].qs);
    }
    return lanes.total();
}

GLASSBOX_HOT_LOOP float q5_1(const quant::BlockQ5_1 *w, const BlockQ8_1 *a, std::size_t n)
{
    Lanes lanes;
    float minimums = 0.0f;
    std::int8_t q[kQK];
    for (std::size_t b = 0; b < n / kQK; ++b) {
        unpackFiveBits(w[b].qs, w[b].qh, 0, q);
        minimums += halfToFloat(w[b].m) * halfToFloat(a[b].s);
        lanes.add(halfToFloat(w[b].d) * halfToFloat(a[b].d), q, a[b].qs);
    }
    return lanes.total() + minimums;
}

GLASSBOX_HOT_LOOP float q8_0(const quant::BlockQ8_0 *w, const BlockQ8_0 *a, std::size_t n)
{
    Lanes lanes;
    for (std::size_t b = 0; b < n / kQK; ++b)
        lanes.add(halfToFloat(w[b].d) * halfToFloat(a[b].d), w[b].qs, a[b].qs);
    return lanes.total();
}

} // namespace glassbox::compute::dot
