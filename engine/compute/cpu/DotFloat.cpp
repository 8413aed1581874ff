#include "DotProducts.h"

#include "compute/cpu/HotLoop.h"
#include "quant/Half.h"

// F16 and BF16 rows against activations rounded to the same type (ggml converts them first, too).
namespace glassbox::compute::dot
{

namespace
{

template<float (*toFloat)(std::uint16_t)>
float halfDot(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    // Independent partial sums, so that the compiler can keep them in vector registers.
    constexpr std::size_t kLanes = 16;
    float partial[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t lane = 0; lane < kLanes; ++lane)
            partial[lane] += toFloat(w[i + lane]) * toFloat(a[i + lane]);
    float sum = 0.0f;
    for (; i < n; ++i)
        sum += toFloat(w[i]) * toFloat(a[i]);
    for (float value : partial)
        sum += value;
    return sum;
}

} // namespace

GLASSBOX_HOT_LOOP float f16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return halfDot<quant::halfToFloat>(w, a, n);
}

GLASSBOX_HOT_LOOP float bf16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return halfDot<quant::bf16ToFloat>(w, a, n);
}

} // namespace glassbox::compute::dot
