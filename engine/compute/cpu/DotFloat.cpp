#include "DotProducts.h"

#include "compute/cpu/GgmlMath.h"
#include "compute/cpu/HalfFloats.h"
#include "compute/cpu/HotLoop.h"
#include "quant/Half.h"

namespace glassbox::compute::dot
{

namespace
{

// tinyBLAS needs n to be a multiple of its 8 lanes; otherwise llama.cpp takes the single-row kernel.
template<typename Element, typename ToFloat>
float batched(const Element *w, const Element *a, std::size_t n, ToFloat toFloat, float (*single)(const Element *, const Element *, std::size_t))
{
    return n % ggml::kLanes == 0 ? ggml::tinyBlasDot(w, a, n, toFloat) : single(w, a, n);
}

} // namespace

GLASSBOX_HOT_LOOP float f32(const float *w, const float *a, std::size_t n)
{
    return ggml::vecDotF32(w, a, n);
}

GLASSBOX_HOT_LOOP float f16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return ggml::vecDotF16(w, a, n, halfToFloatBranchless);
}

GLASSBOX_HOT_LOOP float bf16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return ggml::vecDotBf16(w, a, n, quant::bf16ToFloat);
}

GLASSBOX_HOT_LOOP float f32Batched(const float *w, const float *a, std::size_t n)
{
    return batched(w, a, n, ggml::identity, f32);
}

GLASSBOX_HOT_LOOP float f16Batched(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return batched(w, a, n, halfToFloatBranchless, f16);
}

GLASSBOX_HOT_LOOP float bf16Batched(const std::uint16_t *w, const std::uint16_t *a, std::size_t n)
{
    return batched(w, a, n, quant::bf16ToFloat, bf16);
}

} // namespace glassbox::compute::dot
