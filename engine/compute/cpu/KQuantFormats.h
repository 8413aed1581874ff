#pragma once

#include "compute/cpu/ActivationRows.h"
#include "compute/cpu/LaneSums.h"
#include "quant/BlockLayouts.h"
#include "quant/Half.h"
#include "quant/KQuantScales.h"

#include <cmath>

// The K-quants against Q8_K, as the generic kernel (QuantKernel.h) takes them: unpack() turns a
// super-block into int16 quants (in natural order, LaneSums.h) already multiplied by their sub-block's integer scale (the integer
// products are the same in any grouping) plus what the Sum needs per block; a Sum adds the integer
// lane sums in the order of the kernel each type's comment names, so it rounds the same.
namespace glassbox::compute::formats
{

using quant::halfToFloat;
using quant::kQK_K;

// Σ bsums[g] * min of g's 32-element sub-block, for the formats with 8 sub-blocks of 32.
GLASSBOX_KERNEL_INLINE int minimumSum(const std::uint8_t (&mins)[8], const BlockQ8_K &a)
{
    int sum = 0;
    for (int g = 0; g < kQK_K / 16; ++g)
        sum += a.bsums[g] * mins[g / 2];
    return sum;
}

// Q4_K's and Q5_K's scales and mins; `quant` gives the unscaled quant of element e.
template<bool grouped, typename Block, typename Quant>
GLASSBOX_KERNEL_INLINE void unpackScaledMin(const Block &w, Quant quant, std::int16_t *q, float &d, float &dmin, std::uint8_t (&mins)[8])
{
    std::uint8_t scales[8];
    for (int s = 0; s < 8; ++s)
        quant::unpackScaleMinK4(s, w.scales, scales[s], mins[s]);
    lanes::fill<grouped, kQK_K>(q, [&](int e) {
        return quant(e) * scales[e / 32];
    });
    d = halfToFloat(w.d);
    dmin = halfToFloat(w.dmin);
}

// ggml_vec_dot_q2_K_q8_K for AVX2 (Q2_K is repacked only with AVX-512): the lanes of Q5_K. Per
// block, lane l first takes the minimums of sub-blocks 2l and 2l + 1 (times -d_a * dmin), then its
// products (times d_a * d), each by a fused multiply-add. Checked bit for bit against llama.cpp by
// tools/accuracy/ggml_diff.cpp.
struct Q2_K {
    using Weight = quant::BlockQ2_K;
    using Quant = std::int16_t;
    static constexpr std::size_t kBlock = kQK_K;
    static constexpr bool kGrouped = false;
    static constexpr lanes::Products kProducts = lanes::Products::OfFour;
    using Activations = activations::RowsK<kGrouped>;
    struct Info {
        float d;
        float dmin;
        std::uint8_t mins[16];
    };

    // Element e: two bits of qs[32 * (e / 128) + e % 32] at 2 * (e % 128 / 32); sub-block e / 16.
    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &x, Quant *q, Info &info)
    {
        lanes::fill<kGrouped, kBlock>(q, [&](int e) {
            return ((x.qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3) * (x.scales[e / 16] & 0xf);
        });
        for (int g = 0; g < 16; ++g)
            info.mins[g] = x.scales[g] >> 4;
        info.d = halfToFloat(x.d);
        info.dmin = halfToFloat(x.dmin);
    }

    class Sum
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &x, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const BlockQ8_K &y = a.blocks[b];
            const float d = y.d * x.d;
            const float dmin = -y.d * x.dmin;
            for (int l = 0; l < lanes::kLanes; ++l) {
                const int minimums = x.mins[2 * l] * y.bsums[2 * l] + x.mins[2 * l + 1] * y.bsums[2 * l + 1];
                m_sums[l] = std::fma(dmin, static_cast<float>(minimums), m_sums[l]);
                m_sums[l] = std::fma(d, static_cast<float>(lanes[l]), m_sums[l]);
            }
        }
        GLASSBOX_KERNEL_INLINE float total() const
        {
            return lanes::sumFloats(m_sums);
        }

    private:
        float m_sums[lanes::kLanes] = {};
    };
};

// ggml's reference: lane l (elements ≡ l mod 8, sub-blocks of 16) scaled into its own float sum,
// the sums added in lane order at the end.
class SequentialLanes
{
public:
    GLASSBOX_KERNEL_INLINE void addLanes(float d, const std::int32_t (&lanes)[lanes::kLanes])
    {
        for (int l = 0; l < lanes::kLanes; ++l)
            m_sums[l] += d * static_cast<float>(lanes[l]);
    }
    GLASSBOX_KERNEL_INLINE float total() const
    {
        float sum = m_sum;
        for (float lane : m_sums)
            sum += lane;
        return sum;
    }

protected:
    float m_sum = 0.0f;
    float m_sums[lanes::kLanes] = {};
};

// ggml_vec_dot_q3_K_q8_K for AVX2: the lanes of Q5_K, each into its float sum by a fused
// multiply-add (checked by tools/accuracy/ggml_diff.cpp).
struct Q3_K {
    using Weight = quant::BlockQ3_K;
    using Quant = std::int16_t;
    static constexpr std::size_t kBlock = kQK_K;
    static constexpr bool kGrouped = false;
    static constexpr lanes::Products kProducts = lanes::Products::OfFour;
    using Activations = activations::RowsK<kGrouped>;
    struct Info {
        float d;
    };

    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &x, Quant *q, Info &info)
    {
        int scales[16];
        for (int s = 0; s < 16; ++s)
            scales[s] = quant::unpackScaleQ3K(s, x.scales);
        lanes::fill<kGrouped, kBlock>(q, [&](int e) {
            const int low = (x.qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3;
            const bool high = (x.hmask[e % 32] >> (e / 32)) & 1;
            return (low - (high ? 0 : 4)) * scales[e / 16];
        });
        info.d = halfToFloat(x.d);
    }

    class Sum
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &x, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const float d = a.blocks[b].d * x.d;
            for (int l = 0; l < lanes::kLanes; ++l)
                m_sums[l] = std::fma(d, static_cast<float>(lanes[l]), m_sums[l]);
        }
        GLASSBOX_KERNEL_INLINE float total() const
        {
            return lanes::sumFloats(m_sums);
        }

    private:
        float m_sums[lanes::kLanes] = {};
    };
};

struct Q4_K {
    using Weight = quant::BlockQ4_K;
    using Quant = std::int16_t;
    static constexpr std::size_t kBlock = kQK_K;
    static constexpr bool kGrouped = false;
    static constexpr lanes::Products kProducts = lanes::Products::ByPosition;
    using Activations = activations::RowsK<kGrouped>;
    struct Info {
        float d;
        float dmin;
        std::uint8_t mins[8];
    };

    // Sub-blocks 2c and 2c + 1 are the low and high nibbles of qs[32c .. 32c + 31].
    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &w, Quant *q, Info &info)
    {
        unpackScaledMin<kGrouped>(
            w,
            [&](int e) {
                return (w.qs[e / 64 * 32 + e % 32] >> (4 * (e / 32 % 2))) & 0x0f;
            },
            q,
            info.d,
            info.dmin,
            info.mins);
    }

    class Sum : public SequentialLanes
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &w, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const BlockQ8_K &y = a.blocks[b];
            addLanes(w.d * y.d, lanes);
            m_sum -= w.dmin * y.d * static_cast<float>(minimumSum(w.mins, y));
        }
    };
};

// Q4_K matrices with a multiple of 8 rows, which llama.cpp repacks on AVX2 (q4_K_8x8, repack.cpp).
// Per block, the integer sum of the products and that of the minimums (Σ min · bsum) each go into a
// float sum by a fused multiply-add with d · d_a and dmin · d_a; the result is their difference. The
// single-row kernel (gemv) takes the integer sums over the whole block; the batched one (gemm, which
// takes a batch's rows in groups of 4) per pair of sub-blocks (64 elements).
struct Q4_KRepacked : Q4_K {
    static constexpr lanes::Products kProducts = lanes::Products::PerSixtyFour;

    template<bool batched>
    class Sums
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &w, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const BlockQ8_K &y = a.blocks[b];
            const float d = w.d * y.d;
            const float dmin = w.dmin * y.d;
            int products = 0;
            int minimums = 0;
            for (int p = 0; p < 4; ++p) {
                int pairMinimums = 0;
                for (int g = 4 * p; g < 4 * p + 4; ++g)
                    pairMinimums += y.bsums[g] * w.mins[g / 2];
                if constexpr (batched) {
                    m_sum = std::fma(static_cast<float>(lanes[p]), d, m_sum);
                    m_minimums = std::fma(static_cast<float>(pairMinimums), dmin, m_minimums);
                }
                products += lanes[p];
                minimums += pairMinimums;
            }
            if constexpr (!batched) {
                m_sum = std::fma(static_cast<float>(products), d, m_sum);
                m_minimums = std::fma(static_cast<float>(minimums), dmin, m_minimums);
            }
        }
        GLASSBOX_KERNEL_INLINE float total() const
        {
            return m_sum - m_minimums;
        }

    private:
        float m_sum = 0.0f;
        float m_minimums = 0.0f;
    };
    using Sum = Sums<false>;
    using BatchedSum = Sums<true>;
};

// ggml_vec_dot_q5_K_q8_K for AVX2 (Q5_K is not repacked on x86): lane l holds the elements e with
// e % 32 in [4l, 4l + 4), each lane goes into its float sum by a fused multiply-add. The minimums go
// into one float sum, by a fused multiply-add too (GCC contracts it), added after the lanes.
struct Q5_K {
    using Weight = quant::BlockQ5_K;
    using Quant = std::int16_t;
    static constexpr std::size_t kBlock = kQK_K;
    static constexpr bool kGrouped = false;
    static constexpr lanes::Products kProducts = lanes::Products::OfFour;
    using Activations = activations::RowsK<kGrouped>;
    using Info = Q4_K::Info;

    // As Q4_K, with the fifth bit of sub-block s's element l in qh[l] bit s.
    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &w, Quant *q, Info &info)
    {
        unpackScaledMin<kGrouped>(
            w,
            [&](int e) {
                return ((w.qs[e / 64 * 32 + e % 32] >> (4 * (e / 32 % 2))) & 0x0f) | ((w.qh[e % 32] >> (e / 32)) & 1) << 4;
            },
            q,
            info.d,
            info.dmin,
            info.mins);
    }

    class Sum
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &w, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const BlockQ8_K &y = a.blocks[b];
            const float d = y.d * w.d;
            for (int l = 0; l < lanes::kLanes; ++l)
                m_sums[l] = std::fma(d, static_cast<float>(lanes[l]), m_sums[l]);
            m_minimums = std::fma(static_cast<float>(minimumSum(w.mins, y)), -y.d * w.dmin, m_minimums);
        }
        GLASSBOX_KERNEL_INLINE float total() const
        {
            return lanes::sumFloats(m_sums) + m_minimums;
        }

    private:
        float m_sums[lanes::kLanes] = {};
        float m_minimums = 0.0f;
    };
};

// ggml_vec_dot_q6_K_q8_K for AVX2 (Q6_K is not repacked on x86): the quants are taken unsigned
// (0 .. 63) into the lanes of Q5_K, each times its sub-block's scale; the offset 32 is subtracted per
// lane as 32 * the scaled Q8_K sums of sub-blocks 2l and 2l + 1. Each lane then goes into its float
// sum by a fused multiply-add.
struct Q6_K {
    using Weight = quant::BlockQ6_K;
    using Quant = std::int16_t;
    static constexpr std::size_t kBlock = kQK_K;
    static constexpr bool kGrouped = false;
    static constexpr lanes::Products kProducts = lanes::Products::OfFour;
    using Activations = activations::RowsK<kGrouped>;
    struct Info {
        float d;
        std::int8_t scales[16];
    };

    // Element 128h + 32k + l: low four bits from ql[64h + 32(k % 2) + l] (high nibble for k >= 2),
    // top two from qh[32h + l] at bit 2k.
    GLASSBOX_KERNEL_INLINE static void unpack(const Weight &x, Quant *q, Info &info)
    {
        lanes::fill<kGrouped, kBlock>(q, [&](int e) {
            const int h = e / 128;
            const int k = e % 128 / 32;
            const int l = e % 32;
            const int low = (x.ql[64 * h + 32 * (k % 2) + l] >> (4 * (k / 2))) & 0x0f;
            const int high = (x.qh[32 * h + l] >> (2 * k)) & 3;
            return (low | high << 4) * x.scales[e / 16];
        });
        for (int s = 0; s < 16; ++s)
            info.scales[s] = x.scales[s];
        info.d = halfToFloat(x.d);
    }

    class Sum
    {
    public:
        GLASSBOX_KERNEL_INLINE void add(const Info &x, const Activations::Row &a, std::size_t b, const std::int32_t (&lanes)[lanes::kLanes])
        {
            const BlockQ8_K &y = a.blocks[b];
            const float d = y.d * x.d;
            for (int l = 0; l < lanes::kLanes; ++l) {
                const int offset = 32 * (x.scales[2 * l] * y.bsums[2 * l] + x.scales[2 * l + 1] * y.bsums[2 * l + 1]);
                m_sums[l] = std::fma(d, static_cast<float>(lanes[l] - offset), m_sums[l]);
            }
        }
        GLASSBOX_KERNEL_INLINE float total() const
        {
            return lanes::sumFloats(m_sums);
        }

    private:
        float m_sums[lanes::kLanes] = {};
    };
};

} // namespace glassbox::compute::formats
