#pragma once

#include "compute/cpu/LaneSums.h"

#include <cstddef>
#include <cstdint>
#include <utility>

// The quantized matmul kernel, generic over a weight format (LegacyFormats.h, KQuantFormats.h).
// A weight row is unpacked once into lane-ordered quants plus per-block scales, then multiplied with
// as many activation rows as the caller has: prefill reuses the unpacked row for every token.
namespace glassbox::compute
{

// Unpacked row: n quants, then one Info per block.
template<class Format>
std::size_t unpackedBytes(std::size_t n)
{
    return n * sizeof(typename Format::Quant) + n / Format::kBlock * sizeof(typename Format::Info);
}

template<class Format>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void unpackRow(const std::uint8_t *row, std::uint8_t *out, std::size_t n)
{
    using Quant = typename Format::Quant;
    const auto *blocks = reinterpret_cast<const typename Format::Weight *>(row);
    auto *quants = reinterpret_cast<Quant *>(out);
    auto *info = reinterpret_cast<typename Format::Info *>(out + n * sizeof(Quant));
    for (std::size_t b = 0; b < n / Format::kBlock; ++b)
        Format::unpack(blocks[b], quants + b * Format::kBlock, info[b]);
}

// The unpacked row times sizeof...(i) activation rows at once: the weight quants are loaded once
// for all of them. Each row keeps its own Sum, so the result does not depend on the grouping.
template<class Format, std::size_t... i>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void dotRowGroup(const std::uint8_t *unpacked,
                                                          const std::uint8_t *activations,
                                                          std::size_t stride,
                                                          float *out,
                                                          std::size_t outStride,
                                                          std::size_t n,
                                                          std::index_sequence<i...>)
{
    using Quant = typename Format::Quant;
    constexpr std::size_t kRows = sizeof...(i);
    const auto *quants = reinterpret_cast<const Quant *>(unpacked);
    const auto *info = reinterpret_cast<const typename Format::Info *>(unpacked + n * sizeof(Quant));
    const typename Format::Activations::Row rows[kRows] = {typename Format::Activations::Row(activations + i * stride, n)...};
    typename Format::Sum sums[kRows];
    for (std::size_t b = 0; b < n / Format::kBlock; ++b) {
        std::int32_t laneSums[kRows][lanes::kLanes] = {};
        GLASSBOX_UNROLL_8
        for (std::size_t r = 0; r < kRows; ++r) {
            const Quant *w = quants + b * Format::kBlock;
            const std::int8_t *a = rows[r].quants + b * Format::kBlock;
            if constexpr (Format::kProducts == lanes::Products::OfFour)
                lanes::addProductsOfFour<Format::kBlock>(laneSums[r], w, a);
            else if constexpr (Format::kProducts == lanes::Products::PerSixtyFour)
                lanes::addProductsPerSixtyFour<Format::kBlock>(laneSums[r], w, a);
            else
                lanes::addProducts<Format::kBlock>(laneSums[r], w, a);
        }
        GLASSBOX_UNROLL_8
        for (std::size_t r = 0; r < kRows; ++r)
            sums[r].add(info[b], rows[r], b, laneSums[r]);
    }
    for (std::size_t r = 0; r < kRows; ++r)
        out[r * outStride] = sums[r].total();
}

// A format as llama.cpp's batched kernel (its gemm) adds up, for the formats whose gemm rounds
// differently from their single-row kernel (a BatchedSum).
template<class Format>
struct Batched : Format {
    using Sum = typename Format::BatchedSum;
};

// out[i * outStride] = the unpacked row times activation row i (at activations + i * stride).
template<class Format>
GLASSBOX_KERNEL_INLINE GLASSBOX_HOT_LOOP void dotRows(const std::uint8_t *unpacked,
                                                      const std::uint8_t *activations,
                                                      std::size_t stride,
                                                      std::size_t count,
                                                      float *out,
                                                      std::size_t outStride,
                                                      std::size_t n)
{
    // As many rows as the vector registers hold the accumulators of (the K-quants' lanes of four
    // keep 32 int32 sums per row).
    constexpr std::size_t kGroup = Format::kProducts == lanes::Products::OfFour ? 2 : 4;
    std::size_t i = 0;
    for (; i + kGroup <= count; i += kGroup)
        dotRowGroup<Format>(unpacked, activations + i * stride, stride, out + i * outStride, outStride, n, std::make_index_sequence<kGroup>());
    for (; i < count; ++i)
        dotRowGroup<Format>(unpacked, activations + i * stride, stride, out + i * outStride, outStride, n, std::make_index_sequence<1>());
}

} // namespace glassbox::compute
