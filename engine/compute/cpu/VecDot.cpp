#include "VecDot.h"

#include "compute/cpu/DotProducts.h"
#include "compute/cpu/KQuantFormats.h"
#include "compute/cpu/LegacyFormats.h"
#include "compute/cpu/QuantKernel.h"
#include "quant/Half.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace glassbox::compute
{

using gguf::TensorType;

namespace
{

// x86-64's baseline (SSE2) has neither 256-bit integer vectors nor a fused multiply-add, which the
// kernels lean on, so they are built a second time for AVX2 + FMA and picked at run time.
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define GLASSBOX_X86_AVX2 1
#endif

template<class Format>
void unpackPortable(const std::uint8_t *row, std::uint8_t *out, std::size_t n)
{
    unpackRow<Format>(row, out, n);
}

template<class Format>
void dotRowsPortable(const std::uint8_t *unpacked, const std::uint8_t *activations, std::size_t stride, std::size_t count, float *out, std::size_t outStride,
                     std::size_t n)
{
    dotRows<Format>(unpacked, activations, stride, count, out, outStride, n);
}

#ifdef GLASSBOX_X86_AVX2
template<class Format>
__attribute__((target("avx2,fma"))) void unpackAvx2(const std::uint8_t *row, std::uint8_t *out, std::size_t n)
{
    unpackRow<Format>(row, out, n);
}

template<class Format>
__attribute__((target("avx2,fma"))) void dotRowsAvx2(const std::uint8_t *unpacked, const std::uint8_t *activations, std::size_t stride, std::size_t count,
                                                     float *out, std::size_t outStride, std::size_t n)
{
    dotRows<Format>(unpacked, activations, stride, count, out, outStride, n);
}

bool hasAvx2()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

template<class Format>
VecDot quantized(bool portable)
{
    using Activations = typename Format::Activations;
    VecDot result{Activations::bytes, Activations::convert, unpackedBytes<Format>, unpackPortable<Format>, dotRowsPortable<Format>};
#ifdef GLASSBOX_X86_AVX2
    if (!portable && hasAvx2()) {
        result.unpack = unpackAvx2<Format>;
        result.dotRows = dotRowsAvx2<Format>;
    }
#else
    (void)portable;
#endif
    return result;
}

// A format with a batched kernel of its own (QuantKernel.h, Batched).
template<class Format>
VecDot quantizedWithBatched(bool portable)
{
    VecDot result = quantized<Format>(portable);
    // ggml's repacked kernels take rows in groups of 4 with their gemm, the rest with their gemv.
    result.batchedRows = [](std::size_t batch) {
        return batch - batch % 4;
    };
    result.dotRowsBatched = dotRowsPortable<Batched<Format>>;
#ifdef GLASSBOX_X86_AVX2
    if (!portable && hasAvx2())
        result.dotRowsBatched = dotRowsAvx2<Batched<Format>>;
#endif
    return result;
}

template<typename Element, float (*dot)(const Element *, const Element *, std::size_t)>
void dotFloatRows(const std::uint8_t *unpacked, const std::uint8_t *activations, std::size_t stride, std::size_t count, float *out, std::size_t outStride,
                  std::size_t n)
{
    for (std::size_t i = 0; i < count; ++i)
        out[i * outStride] = dot(reinterpret_cast<const Element *>(unpacked), reinterpret_cast<const Element *>(activations + i * stride), n);
}

// F32, F16 and BF16 rows are used as they lie; the activations are rounded to the weight type.
// llama.cpp takes a batch of two rows or more with llamafile's tinyBLAS (`batchedDot`).
template<typename Element,
         void (*convert)(const float *, Element *, std::size_t),
         float (*dot)(const Element *, const Element *, std::size_t),
         float (*batchedDot)(const Element *, const Element *, std::size_t)>
VecDot floating()
{
    VecDot result{
        [](std::size_t n) {
            return n * sizeof(Element);
        },
        [](const float *x, std::uint8_t *out, std::size_t n) {
            convert(x, reinterpret_cast<Element *>(out), n);
        },
        [](std::size_t n) {
            return n * sizeof(Element);
        },
        [](const std::uint8_t *row, std::uint8_t *out, std::size_t n) {
            std::memcpy(out, row, n * sizeof(Element));
        },
        [](const std::uint8_t *unpacked, const std::uint8_t *activations, std::size_t stride, std::size_t count, float *out, std::size_t outStride,
           std::size_t n) {
            dotFloatRows<Element, dot>(unpacked, activations, stride, count, out, outStride, n);
        },
    };
    result.dotRowsBatched = dotFloatRows<Element, batchedDot>;
    result.batchedRows = [](std::size_t batch) {
        return batch >= 2 ? batch : 0;
    };
    return result;
}

void copyFloats(const float *x, float *out, std::size_t n)
{
    std::copy(x, x + n, out);
}

template<std::uint16_t (*fromFloat)(float)>
void toHalves(const float *x, std::uint16_t *out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] = fromFloat(x[i]);
}

struct Table {
    explicit Table(bool portable)
        : f32(floating<float, copyFloats, dot::f32, dot::f32Batched>())
        , f16(floating<std::uint16_t, toHalves<quant::floatToHalf>, dot::f16, dot::f16Batched>())
        , bf16(floating<std::uint16_t, toHalves<quant::floatToBf16>, dot::bf16, dot::bf16Batched>())
        , q4_0(quantized<formats::Q4_0>(portable))
        , q4_0Repacked(quantized<formats::Q4_0Repacked>(portable))
        , q4_1(quantized<formats::Q4_1>(portable))
        , q5_0(quantized<formats::Q5_0>(portable))
        , q5_1(quantized<formats::Q5_1>(portable))
        , q8_0(quantized<formats::Q8_0>(portable))
        , q2_K(quantized<formats::Q2_K>(portable))
        , q3_K(quantized<formats::Q3_K>(portable))
        , q4_K(quantized<formats::Q4_K>(portable))
        , q4_KRepacked(quantizedWithBatched<formats::Q4_KRepacked>(portable))
        , q5_K(quantized<formats::Q5_K>(portable))
        , q6_K(quantized<formats::Q6_K>(portable))
    {
    }
    VecDot f32, f16, bf16, q4_0, q4_0Repacked, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q4_KRepacked, q5_K, q6_K;
};

const Table &table(bool portable)
{
    static const Table fast(false);
    static const Table baseline(true);
    return portable ? baseline : fast;
}

} // namespace

float VecDot::dot(const std::uint8_t *weightRow, const std::uint8_t *activations, std::size_t n) const
{
    std::vector<std::uint8_t> unpackedRow(unpackedBytes(n));
    unpack(weightRow, unpackedRow.data(), n);
    float result = 0.0f;
    dotRows(unpackedRow.data(), activations, 0, 1, &result, 0, n);
    return result;
}

const VecDot &vecDotFor(TensorType weightType, bool portable)
{
    const Table &t = table(portable);
    switch (weightType) {
    case TensorType::F32:
        return t.f32;
    case TensorType::F16:
        return t.f16;
    case TensorType::BF16:
        return t.bf16;
    case TensorType::Q4_0:
        return t.q4_0;
    case TensorType::Q4_1:
        return t.q4_1;
    case TensorType::Q5_0:
        return t.q5_0;
    case TensorType::Q5_1:
        return t.q5_1;
    case TensorType::Q8_0:
        return t.q8_0;
    case TensorType::Q2_K:
        return t.q2_K;
    case TensorType::Q3_K:
        return t.q3_K;
    case TensorType::Q4_K:
        return t.q4_K;
    case TensorType::Q5_K:
        return t.q5_K;
    case TensorType::Q6_K:
        return t.q6_K;
    default:
        throw std::logic_error("CpuBackend: no dot product for tensor type " + std::to_string(static_cast<unsigned>(weightType)));
    }
}

const VecDot &vecDotFor(TensorType weightType, std::size_t weightRows, bool portable)
{
    // ggml_repack_get_optimal_repack_type on an AVX2 CPU: Q4_0 and Q4_K in groups of 8 rows (q4_0_8x8,
    // q4_K_8x8).
    if (weightType == TensorType::Q4_0 && weightRows % 8 == 0)
        return table(portable).q4_0Repacked;
    if (weightType == TensorType::Q4_K && weightRows % 8 == 0)
        return table(portable).q4_KRepacked;
    return vecDotFor(weightType, portable);
}

} // namespace glassbox::compute
