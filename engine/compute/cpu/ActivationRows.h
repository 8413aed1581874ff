#pragma once

#include "compute/cpu/ActivationQuant.h"
#include "compute/cpu/LaneSums.h"
#include "quant/Half.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>

// One activation row converted for the quantized kernels: ggml's blocks first (what ggml computes
// with, and what tests read back), then what the kernels read per block without decoding: the
// quants in lane order (LaneSums.h) and, for the 32-element formats, the scales as floats.
namespace glassbox::compute::activations
{

constexpr std::size_t alignUp(std::size_t bytes)
{
    return (bytes + 7) / 8 * 8;
}

// Q8_0 or Q8_1 (with s = d * Σ quants, for the formats with a minimum).
template<typename Block, bool grouped>
struct Rows32 {
    static constexpr bool kHasSum = std::is_same_v<Block, BlockQ8_1>;
    static constexpr std::size_t kBlock = quant::kQK;

    static std::size_t blockBytes(std::size_t n)
    {
        return alignUp(n / kBlock * sizeof(Block));
    }
    static std::size_t bytes(std::size_t n)
    {
        return blockBytes(n) + n / kBlock * (kHasSum ? 2 : 1) * sizeof(float) + alignUp(n);
    }

    static void convert(const float *x, std::uint8_t *out, std::size_t n)
    {
        auto *blocks = reinterpret_cast<Block *>(out);
        if constexpr (kHasSum)
            quantizeActivationsQ8_1(x, blocks, n);
        else
            quantizeActivationsQ8_0(x, blocks, n);
        const Row row(out, n);
        for (std::size_t b = 0; b < n / kBlock; ++b) {
            row.d[b] = quant::halfToFloat(blocks[b].d);
            if constexpr (kHasSum)
                row.s[b] = quant::halfToFloat(blocks[b].s);
            lanes::fill<grouped, kBlock>(row.quants + b * kBlock, [&](int e) {
                return blocks[b].qs[e];
            });
        }
    }

    struct Row {
        Row(const std::uint8_t *row, std::size_t n)
            : d(reinterpret_cast<float *>(const_cast<std::uint8_t *>(row) + blockBytes(n)))
            , s(d + n / kBlock)
            , quants(reinterpret_cast<std::int8_t *>(s + (kHasSum ? n / kBlock : 0)))
        {
        }
        float *d;
        float *s; // only with kHasSum
        std::int8_t *quants;
    };
};

// Q8_K: the kernels take d and the sums of 16 from the blocks.
template<bool grouped>
struct RowsK {
    static constexpr std::size_t kBlock = quant::kQK_K;

    static std::size_t bytes(std::size_t n)
    {
        return n / kBlock * sizeof(BlockQ8_K) + n;
    }

    static void convert(const float *x, std::uint8_t *out, std::size_t n)
    {
        auto *blocks = reinterpret_cast<BlockQ8_K *>(out);
        quantizeActivationsQ8_K(x, blocks, n);
        const Row row(out, n);
        for (std::size_t b = 0; b < n / kBlock; ++b)
            lanes::fill<grouped, kBlock>(row.quants + b * kBlock, [&](int e) {
                return blocks[b].qs[e];
            });
    }

    struct Row {
        Row(const std::uint8_t *row, std::size_t n)
            : blocks(reinterpret_cast<const BlockQ8_K *>(row))
            , quants(reinterpret_cast<std::int8_t *>(const_cast<std::uint8_t *>(row)) + n / kBlock * sizeof(BlockQ8_K))
        {
        }
        const BlockQ8_K *blocks;
        std::int8_t *quants;
    };
};

} // namespace glassbox::compute::activations
