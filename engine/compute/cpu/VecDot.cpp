#include "VecDot.h"

#include "compute/cpu/CpuKernels.h"
#include "compute/cpu/DotProducts.h"
#include "quant/Half.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace glassbox::compute
{

using gguf::TensorType;

namespace
{

// Weight rows of `Weight` blocks (or elements) against activations of `Activation` blocks, `block`
// elements each.
template<typename Weight, typename Activation, std::size_t block, void (*convert)(const float *, Activation *, std::size_t),
         float (*dot)(const Weight *, const Activation *, std::size_t)>
constexpr VecDot pairing()
{
    return {
        [](std::size_t n) {
            return n / block * sizeof(Activation);
        },
        [](const float *x, std::uint8_t *out, std::size_t n) {
            convert(x, reinterpret_cast<Activation *>(out), n);
        },
        [](const std::uint8_t *weightRow, const std::uint8_t *activations, std::size_t n) {
            return dot(reinterpret_cast<const Weight *>(weightRow), reinterpret_cast<const Activation *>(activations), n);
        },
    };
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

constexpr VecDot kF32 = pairing<float, float, 1, copyFloats, kernels::dot>();
constexpr VecDot kF16 = pairing<std::uint16_t, std::uint16_t, 1, toHalves<quant::floatToHalf>, dot::f16>();
constexpr VecDot kBF16 = pairing<std::uint16_t, std::uint16_t, 1, toHalves<quant::floatToBf16>, dot::bf16>();
constexpr VecDot kQ4_0 = pairing<quant::BlockQ4_0, BlockQ8_0, quant::kQK, quantizeActivationsQ8_0, dot::q4_0>();
constexpr VecDot kQ4_0Repacked = pairing<quant::BlockQ4_0, BlockQ8_0, quant::kQK, quantizeActivationsQ8_0, dot::q4_0Repacked>();
constexpr VecDot kQ4_1 = pairing<quant::BlockQ4_1, BlockQ8_1, quant::kQK, quantizeActivationsQ8_1, dot::q4_1>();
constexpr VecDot kQ5_0 = pairing<quant::BlockQ5_0, BlockQ8_0, quant::kQK, quantizeActivationsQ8_0, dot::q5_0>();
constexpr VecDot kQ5_1 = pairing<quant::BlockQ5_1, BlockQ8_1, quant::kQK, quantizeActivationsQ8_1, dot::q5_1>();
constexpr VecDot kQ8_0 = pairing<quant::BlockQ8_0, BlockQ8_0, quant::kQK, quantizeActivationsQ8_0, dot::q8_0>();
constexpr VecDot kQ2_K = pairing<quant::BlockQ2_K, BlockQ8_K, quant::kQK_K, quantizeActivationsQ8_K, dot::q2_K>();
constexpr VecDot kQ3_K = pairing<quant::BlockQ3_K, BlockQ8_K, quant::kQK_K, quantizeActivationsQ8_K, dot::q3_K>();
constexpr VecDot kQ4_K = pairing<quant::BlockQ4_K, BlockQ8_K, quant::kQK_K, quantizeActivationsQ8_K, dot::q4_K>();
constexpr VecDot kQ5_K = pairing<quant::BlockQ5_K, BlockQ8_K, quant::kQK_K, quantizeActivationsQ8_K, dot::q5_K>();
constexpr VecDot kQ6_K = pairing<quant::BlockQ6_K, BlockQ8_K, quant::kQK_K, quantizeActivationsQ8_K, dot::q6_K>();

} // namespace

const VecDot &vecDotFor(TensorType weightType)
{
    switch (weightType) {
    case TensorType::F32:
        return kF32;
    case TensorType::F16:
        return kF16;
    case TensorType::BF16:
        return kBF16;
    case TensorType::Q4_0:
        return kQ4_0;
    case TensorType::Q4_1:
        return kQ4_1;
    case TensorType::Q5_0:
        return kQ5_0;
    case TensorType::Q5_1:
        return kQ5_1;
    case TensorType::Q8_0:
        return kQ8_0;
    case TensorType::Q2_K:
        return kQ2_K;
    case TensorType::Q3_K:
        return kQ3_K;
    case TensorType::Q4_K:
        return kQ4_K;
    case TensorType::Q5_K:
        return kQ5_K;
    case TensorType::Q6_K:
        return kQ6_K;
    default:
        throw std::logic_error("CpuBackend: no dot product for tensor type " + std::to_string(static_cast<unsigned>(weightType)));
    }
}

const VecDot &vecDotFor(TensorType weightType, std::size_t weightRows)
{
    // ggml_repack_get_optimal_repack_type on an AVX2 CPU: Q4_0 in groups of 8 rows (q4_0_8x8).
    if (weightType == TensorType::Q4_0 && weightRows % 8 == 0)
        return kQ4_0Repacked;
    return vecDotFor(weightType);
}

} // namespace glassbox::compute
