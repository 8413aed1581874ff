#pragma once

#include "compute/cpu/HotLoop.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

// The integer core of the quantized dot products. ggml's x86 kernels keep eight int32 lanes per
// block and scale each lane into its own float sum, so which products share a lane decides how the
// result rounds. Our kernels take the products lane by lane as plain vertical loops (lane = position
// mod 8), which every compiler vectorizes; to get ggml's lanes, the quants on both sides are stored
// in an order that puts each lane's elements at positions ≡ lane (mod 8).
namespace glassbox::compute::lanes
{

// Forced inlining lets the multiversioned kernels (VecDot.cpp) compile these for their target.
#if defined(__clang__) || defined(__GNUC__)
#define GLASSBOX_KERNEL_INLINE __attribute__((always_inline)) inline
#define GLASSBOX_UNROLL_8 _Pragma("GCC unroll 8")
#define GLASSBOX_UNROLL_32 _Pragma("GCC unroll 32")
#else
#define GLASSBOX_KERNEL_INLINE inline
#define GLASSBOX_UNROLL_8
#define GLASSBOX_UNROLL_32
#endif

constexpr int kLanes = 8;

// The legacy formats, Q5_K and Q6_K give lane l the elements 4l .. 4l + 3 of every 32 ("grouped");
// Q3_K and Q4_K give it the elements ≡ l (mod 8) (natural order); for Q2_K only the total counts.
// The legacy formats are stored grouped; Q5_K and Q6_K in natural order (addProductsOfFour).
// This is the element stored at position p of a row.
constexpr std::size_t elementAt(bool grouped, std::size_t p)
{
    return grouped ? p / 32 * 32 + 4 * (p % 8) + p % 32 / 8 : p;
}

// out[p] = value(the element stored at p) for p < count (a multiple of 32). The indices within
// each 32 (and, unrolled, of the groups) are compile-time constants, so compilers turn the gather
// into byte shuffles; it goes through a local array, which cannot alias what `value` reads.
template<bool grouped, std::size_t count, typename Quant, typename Value>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void fill(Quant *out, Value value)
{
    GLASSBOX_UNROLL_8
    for (std::size_t g = 0; g < count; g += 32) {
        Quant group[32];
        GLASSBOX_UNROLL_32
        for (std::size_t p = 0; p < 32; ++p)
            group[p] = static_cast<Quant>(value(static_cast<int>(g + elementAt(grouped, p))));
        std::memcpy(out + g, group, sizeof group);
    }
}

// Which of the functions below a format's kernel takes its lane sums with.
enum class Products { ByPosition, OfFour, PerSixtyFour };

// lanes[l] += Σ w[i] * a[i] over the i < count with i ≡ l (mod 8). Weights are int8 or, for the
// K-quants, int16 quants already multiplied by their sub-block's scale.

template<std::size_t count, typename Quant>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void addProducts(std::int32_t (&lanes)[kLanes], const Quant *w, const std::int8_t *a)
{
    for (std::size_t i = 0; i < count; i += kLanes)
        for (int l = 0; l < kLanes; ++l)
            lanes[l] += std::int32_t(w[i + l]) * std::int32_t(a[i + l]);
}

// lanes[l] += Σ w[i] * a[i] over the i < count with i % 32 in [4l, 4l + 4): ggml's grouped lanes
// for quants stored in natural order. The products are summed per position across the groups of 32
// first (vertical), the fours only once at the end. For 256-element blocks whose sub-blocks would
// need shuffles across 16-byte halves to be stored grouped.
template<std::size_t count, typename Quant>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void addProductsOfFour(std::int32_t (&lanes)[kLanes], const Quant *w, const std::int8_t *a)
{
    std::int32_t positions[32] = {};
    for (std::size_t i = 0; i < count; i += 32)
        for (int j = 0; j < 32; ++j)
            positions[j] += std::int32_t(w[i + j]) * std::int32_t(a[i + j]);
    for (int l = 0; l < kLanes; ++l)
        lanes[l] += positions[4 * l] + positions[4 * l + 1] + positions[4 * l + 2] + positions[4 * l + 3];
}

// lanes[p] += Σ w[i] * a[i] over the 64 elements of each pair p of 32-element sub-blocks (the lanes
// from count / 64 on stay as they are): the integer sums of llama.cpp's repacked Q4_K kernels.
template<std::size_t count, typename Quant>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void addProductsPerSixtyFour(std::int32_t (&lanes)[kLanes], const Quant *w, const std::int8_t *a)
{
    static_assert(count / 64 <= kLanes);
    for (std::size_t p = 0; p < count / 64; ++p) {
        std::int32_t sum = 0;
        for (std::size_t i = 64 * p; i < 64 * p + 64; ++i)
            sum += std::int32_t(w[i]) * std::int32_t(a[i]);
        lanes[p] += sum;
    }
}

// How ggml's x86 kernels add their eight float lanes at the end (hsum_float_8): the upper four onto
// the lower four, then pairwise.
GLASSBOX_KERNEL_INLINE float sumFloats(const float (&lanes)[kLanes])
{
    float half[4];
    for (int l = 0; l < 4; ++l)
        half[l] = lanes[l + 4] + lanes[l];
    return (half[0] + half[2]) + (half[1] + half[3]);
}

GLASSBOX_KERNEL_INLINE std::int32_t total(const std::int32_t (&lanes)[kLanes])
{
    std::int32_t sum = 0;
    for (std::int32_t lane : lanes)
        sum += lane;
    return sum;
}

} // namespace glassbox::compute::lanes
