#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>

namespace glassbox::compute
{

// How the CPU backend multiplies weight rows of a given type with activation rows, the way ggml's
// CPU backend does: the activations are converted once per matmul to the weight type's
// "vec_dot_type" (F32, F16, BF16, or the 8-bit Q8_0 / Q8_1 / Q8_K; ActivationRows.h), each weight
// row is unpacked once (QuantKernel.h), then takes a dot product with every activation row.
struct VecDot {
    // Bytes of one converted activation row of n elements (n a multiple of the block size); the
    // row starts with ggml's blocks.
    std::size_t (*activationBytes)(std::size_t n);
    void (*convert)(const float *x, std::uint8_t *out, std::size_t n);
    std::size_t (*unpackedBytes)(std::size_t n);
    void (*unpack)(const std::uint8_t *weightRow, std::uint8_t *unpacked, std::size_t n);
    // out[i * outStride] = unpacked row · converted activation row i (at activations + i * stride).
    void (*dotRows)(const std::uint8_t *unpacked, const std::uint8_t *activations, std::size_t stride, std::size_t count, float *out,
                    std::size_t outStride, std::size_t n);
    // The same for the rows of a batch that llama.cpp's batched kernel takes, where that adds up
    // differently from its single-row kernel (tinyBLAS for F32/F16/BF16, the repacked Q4_K's gemm):
    // the first batchedRows(batch) rows. Null: dotRows for every row.
    decltype(dotRows) dotRowsBatched = nullptr;
    std::size_t (*batchedRows)(std::size_t batch) = nullptr;

    // One weight row times one converted activation row.
    float dot(const std::uint8_t *weightRow, const std::uint8_t *activations, std::size_t n) const;
};

// Throws std::logic_error for a type the CPU backend does not compute with. `portable` asks for
// the kernels built for the baseline instruction set even where a faster variant would run (for
// tests: both must give the same bits).
const VecDot &vecDotFor(gguf::TensorType weightType, bool portable = false);

// The same for a matrix of `weightRows` rows: llama.cpp's x86 backend repacks some types' matrices
// by their row count (CPU_REPACK, ggml-cpu/repack.cpp) and then adds up in another order.
const VecDot &vecDotFor(gguf::TensorType weightType, std::size_t weightRows, bool portable = false);

} // namespace glassbox::compute
