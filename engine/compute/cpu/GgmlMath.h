#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

// Float primitives that round exactly like llama.cpp's CPU backend as built for AVX2 + FMA
// (libggml-cpu-haswell, GCC 11, which fuses a*b+c into one FMA on its own). That build is the
// reference oracle of the accuracy tests: a different summation order or one FMA more or less moves a
// logit by an ulp, an ulp can flip the rounding of an 8-bit activation quant, and that moves logits by
// about 0.1. The code is portable scalar C++: std::fma is exactly rounded on every CPU, and each
// 8-lane vector register is a float[8], so the results do not depend on the machine.
namespace glassbox::compute::ggml
{

constexpr std::size_t kLanes = 8; // floats in an AVX2 register

// ggml_v_expf (AVX2) for one lane: exp(x) to within 1.5 ulp, different from std::exp.
inline float expf(float x)
{
    const float r = 0x1.8p23f;
    const float z = std::fma(x, 0x1.715476p+0f, r);
    const float n = z - r;
    const float b = std::fma(-n, 0x1.7f7d1cp-20f, std::fma(-n, 0x1.62e4p-1f, x));
    const std::uint32_t e = std::bit_cast<std::uint32_t>(z) << 23;
    const float k = std::bit_cast<float>(e + std::bit_cast<std::uint32_t>(1.0f));
    const float u = b * b;
    const float j = std::fma(std::fma(std::fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, std::fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u, 0x1.ffffecp-1f * b);
    if (!(std::fabs(n) > 126.0f))
        return std::fma(k, j, k);
    // Outside the normal range the scale 2^n is applied in two steps (or saturates).
    const std::uint32_t g = n <= 0.0f ? 0x82000000u : 0u;
    const float s1 = std::bit_cast<float>(g + 0x7f000000u);
    const float s2 = std::bit_cast<float>(e - g);
    if (std::fabs(n) > 192.0f)
        return s1 * s1;
    return std::fma(s2, j, s2) * s1;
}

// x / (1 + exp(-x)) as ggml_v_silu computes it.
inline float silu(float x)
{
    return x / (1.0f + ggml::expf(-x));
}

// Horizontal sum of one register the way ggml's softmax and llamafile's tinyBLAS (hsum) do it:
// high half + low half, then (0 + 2) + (1 + 3).
inline float sumLanes(const float (&lanes)[kLanes])
{
    float half[4];
    for (std::size_t l = 0; l < 4; ++l)
        half[l] = lanes[l + 4] + lanes[l];
    return (half[0] + half[2]) + (half[1] + half[3]);
}

// The registers of ggml_vec_dot_f32 / ggml_vec_dot_f16 (AVX2): element i of the blocks of 32 goes
// into register i % 32 / 8, lane i % 8, with FMA. total() reduces them as (0 + 2) + (1 + 3), then
// high + low half, then two horizontal adds: (0 + 1) + (2 + 3). An element left out is the same as a
// zero product, so a caller may skip masked ones.
class VecDotBlocks
{
public:
    static constexpr std::size_t kBlock = 4 * kLanes;

    void add(std::size_t i, float x, float y)
    {
        float &lane = m_acc[i % kBlock / kLanes][i % kLanes];
        lane = std::fma(x, y, lane);
    }
    float total() const
    {
        float lanes[kLanes];
        combine(lanes);
        float half[4];
        for (std::size_t l = 0; l < 4; ++l)
            half[l] = lanes[l + 4] + lanes[l];
        return (half[0] + half[1]) + (half[2] + half[3]);
    }
    // The reduction of ggml_vec_dot_bf16, which ends like the softmax's.
    float totalBySumLanes() const
    {
        float lanes[kLanes];
        combine(lanes);
        return sumLanes(lanes);
    }

private:
    void combine(float (&lanes)[kLanes]) const
    {
        for (std::size_t l = 0; l < kLanes; ++l)
            lanes[l] = (m_acc[0][l] + m_acc[2][l]) + (m_acc[1][l] + m_acc[3][l]);
    }

    float m_acc[4][kLanes] = {};
};

// One output of llamafile's tinyBLAS with 8-float registers: element i goes to lane i % 8 with FMA,
// then sumLanes. (tinyBLAS is only taken for lengths that are a multiple of 8.)
class TinyBlasLanes
{
public:
    void add(std::size_t i, float x, float y)
    {
        m_lanes[i % kLanes] = std::fma(x, y, m_lanes[i % kLanes]);
    }
    float total() const
    {
        return sumLanes(m_lanes);
    }

private:
    float m_lanes[kLanes] = {};
};

inline float identity(float x)
{
    return x;
}

// The blocks of 32 of a vec_dot on elements that toFloat turns into floats; returns their sum and
// sets `np` to where the leftovers start.
template<class T, class ToFloat>
float vecDotBlocks(const T *x, const T *y, std::size_t n, std::size_t &np, ToFloat toFloat)
{
    VecDotBlocks blocks;
    np = n - n % VecDotBlocks::kBlock;
    for (std::size_t i = 0; i < np; ++i)
        blocks.add(i, toFloat(x[i]), toFloat(y[i]));
    return blocks.total();
}

// ggml_vec_dot_f32. GCC vectorized its leftover loop `sum += x[i] * y[i]` in chunks of 4 (products
// rounded, then added in order) and fused only the last n % 4.
inline float vecDotF32(const float *x, const float *y, std::size_t n)
{
    std::size_t i = 0;
    float sum = vecDotBlocks(x, y, n, i, identity);
    for (; i < n - n % 4; ++i) {
        const float product = x[i] * y[i];
        sum += product;
    }
    for (; i < n; ++i)
        sum = std::fma(x[i], y[i], sum);
    return sum;
}

// ggml_vec_dot_f16 on halves, given as T that toFloat converts (or as floats that hold halves):
// leftovers are added in double, one rounded product at a time.
template<class T, class ToFloat>
float vecDotF16(const T *x, const T *y, std::size_t n, ToFloat toFloat)
{
    std::size_t i = 0;
    double sum = vecDotBlocks(x, y, n, i, toFloat);
    for (; i < n; ++i) {
        const float product = toFloat(x[i]) * toFloat(y[i]);
        sum += double(product);
    }
    return float(sum);
}

inline float vecDotF16(const float *x, const float *y, std::size_t n)
{
    return vecDotF16(x, y, n, identity);
}

// ggml_vec_dot_bf16 (AVX2): the blocks of vec_dot_f16 (GCC fused its multiply and add), reduced
// by sumLanes, leftovers in double as in vec_dot_f16.
template<class T, class ToFloat>
float vecDotBf16(const T *x, const T *y, std::size_t n, ToFloat toFloat)
{
    VecDotBlocks blocks;
    const std::size_t np = n - n % VecDotBlocks::kBlock;
    for (std::size_t i = 0; i < np; ++i)
        blocks.add(i, toFloat(x[i]), toFloat(y[i]));
    double sum = blocks.totalBySumLanes();
    for (std::size_t i = np; i < n; ++i) {
        const float product = toFloat(x[i]) * toFloat(y[i]);
        sum += double(product);
    }
    return float(sum);
}

// llamafile's tinyBLAS on elements that toFloat converts.
template<class T, class ToFloat>
float tinyBlasDot(const T *x, const T *y, std::size_t n, ToFloat toFloat)
{
    TinyBlasLanes lanes;
    for (std::size_t i = 0; i < n; ++i)
        lanes.add(i, toFloat(x[i]), toFloat(y[i]));
    return lanes.total();
}

inline float tinyBlasDot(const float *x, const float *y, std::size_t n)
{
    return tinyBlasDot(x, y, n, identity);
}

// ggml_vec_soft_max_f32 followed by ggml's scaling: exp(x - max) by ggml::expf on whole registers
// (std::exp on the rest), each register's horizontal sum added in double, then every value times
// the float of 1 / sum.
inline void softmax(float *x, std::size_t n)
{
    if (n == 0)
        return;
    float max = x[0];
    for (std::size_t i = 1; i < n; ++i)
        max = std::fmax(max, x[i]);
    double sum = 0.0;
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        float lanes[kLanes];
        for (std::size_t l = 0; l < kLanes; ++l)
            lanes[l] = x[i + l] = ggml::expf(x[i + l] - max);
        sum += double(sumLanes(lanes));
    }
    for (; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += double(x[i]);
    }
    const float inverse = float(1.0 / sum);
    for (i = 0; i < n; ++i)
        x[i] *= inverse;
}

} // namespace glassbox::compute::ggml
