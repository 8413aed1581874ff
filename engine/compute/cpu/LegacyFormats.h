#pragma once

#include "compute/cpu/ActivationRows.h"
#include "compute/cpu/LaneSums.h"
#include "quant/BlockLayouts.h"
#include "quant/Half.h"

#include <cmath>
#include <cstring>

// The 32-element formats as the generic kernel (QuantKernel.h) takes them: unpack() turns a weight
// block into signed bytes in lane order (LaneSums.h) and float scales, once per weight row; a Sum adds each block's integer
// lane sums (LaneSums.h) the way llama.cpp's x86 kernel for that type does, so it rounds the same.
namespace glassbox::compute::formats
{

using quant::halfToFloat;
using quant::kQK;

// Element e in the low nibble of qs[e] for e < 16, in the high nibble of qs[e - 16] above.
GLASSBOX_KERNEL_INLINE int nibble(const std::uint8_t *qs, int e)
{
    return (qs[e % 16] >> (4 * (e / 16))) & 0x0f;
}

// Nibbles plus the fifth bit of element e from bit e of qh.
GLASSBOX_KERNEL_INLINE int fiveBits(const std::uint8_t *qs, std::uint32_t qh, int e)
{
    return nibble(qs, e) | static_cast<int>((qh >> e) & 1) << 4;
}

template<bool grouped>
GLASSBOX_KERNEL_INLINE void unpackQuants(const quant::BlockQ4_0 &w, std::int8_t *q)
{
    lanes::fill<grouped, kQK>(q, [&](int e) {
        return nibble(w.qs, e) - 8;
    });
}
template<bool grouped>
GLASSBOX_KERNEL_INLINE void unpackQuants(const quant::BlockQ4_1 &w, std::int8_t *q)
{
    lanes::fill<grouped, kQK>(q, [&](int e) {
        return nibble(w.qs, e);
    });
}
template<bool grouped>
GLASSBOX_KERNEL_INLINE void unpackQuants(const quant::BlockQ5_0 &w, std::int8_t *q)
{
    std::uint32_t qh;
    std::memcpy(&qh, w.qh, sizeof qh);
    lanes::fill<grouped, kQK>(q, [&](int e) {
        return fiveBits(w.qs, qh, e) - 16;
    });
}
template<bool grouped>
GLASSBOX_KERNEL_INLINE void unpackQuants(const quant::BlockQ5_1 &w, std::int8_t *q)
{
    std::uint32_t qh;
    std::memcpy(&qh, w.qh, sizeof qh);
    lanes::fill<grouped, kQK>(q, [&](int e) {
        return fiveBits(w.qs, qh, e);
    });
}
template<bool grouped>
GLASSBOX_KERNEL_INLINE void unpackQuants(const quant::BlockQ8_0 &w, std::int8_t *q)
{
    lanes::fill<grouped, kQK>(q, [&](int e) {
        return w.qs[e];
    });
}

struct LegacyInfo {
    float d;
    float m; // the minimum, for Q4_1 and Q5_1
};

// ggml's AVX2 ggml_vec_dot_* and llamafile's tinyBLAS (which llama.cpp takes for batches of two or
// more rows): eight float lanes, lane l taking its integer sum times the block's scale product with a
// fused multiply-add; a product of two halves is exact in float, so only the fused add rounds. The
// minimum's part, m * s per block, goes into a separate float sum, added after the lanes.
template<bool withMinimum>
class LaneSum
{
public:
    template<typename Row>
    GLASSBOX_KERNEL_INLINE void add(const LegacyInfo &w, const Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
    {
        const float scale = w.d * a.d[b];
        for (int l = 0; l < lanes::kLanes; ++l)
            m_acc[l] = std::fma(scale, static_cast<float>(lanes[l]), m_acc[l]);
        if constexpr (withMinimum)
            m_minimums += w.m * a.s[b];
    }

    GLASSBOX_KERNEL_INLINE float total() const
    {
        if constexpr (withMinimum)
            return lanes::sumFloats(m_acc) + m_minimums;
        else
            return lanes::sumFloats(m_acc);
    }

private:
    float m_acc[lanes::kLanes] = {};
    float m_minimums = 0.0f;
};

// llama.cpp repacks Q4_0 matrices of 8k rows for AVX2 (ggml_gemv/gemm_q4_0_8x8_q8_0): one float
// accumulator, which takes each block's whole integer sum times the scale product with a fused
// multiply-add.
class BlockSum
{
public:
    template<typename Row>
    GLASSBOX_KERNEL_INLINE void add(const LegacyInfo &w, const Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
    {
        m_sum = std::fma(static_cast<float>(lanes::total(lanes)), w.d * a.d[b], m_sum);
    }

    GLASSBOX_KERNEL_INLINE float total() const
    {
        return m_sum;
    }

private:
    float m_sum = 0.0f;
};

template<typename WeightBlock, typename ActivationBlock, typename Accumulator>
struct Legacy {
    using Weight = WeightBlock;
    using Quant = std::int8_t;
    using Info = LegacyInfo;
    using Sum = Accumulator;
    static constexpr std::size_t kBlock = kQK;
    static constexpr bool kGrouped = true;
    static constexpr lanes::Products kProducts = lanes::Products::ByPosition;
    using Activations = activations::Rows32<ActivationBlock, kGrouped>;

    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &w, Quant *q, Info &info)
    {
        unpackQuants<kGrouped>(w, q);
        info.d = halfToFloat(w.d);
        if constexpr (requires { w.m; })
            info.m = halfToFloat(w.m);
        else
            info.m = 0.0f;
    }
};

using Q4_0 = Legacy<quant::BlockQ4_0, BlockQ8_0, LaneSum<false>>;
using Q4_0Repacked = Legacy<quant::BlockQ4_0, BlockQ8_0, BlockSum>;
using Q4_1 = Legacy<quant::BlockQ4_1, BlockQ8_1, LaneSum<true>>;
using Q5_0 = Legacy<quant::BlockQ5_0, BlockQ8_0, LaneSum<false>>;
using Q5_1 = Legacy<quant::BlockQ5_1, BlockQ8_1, LaneSum<true>>;
using Q8_0 = Legacy<quant::BlockQ8_0, BlockQ8_0, LaneSum<false>>;

} // namespace glassbox::compute::formats
