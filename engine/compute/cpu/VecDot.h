#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>

namespace glassbox::compute
{

// How the CPU backend multiplies a weight row of a given type with an activation row, the way
// ggml's CPU backend does: the activations are converted once per matmul to the weight type's
// "vec_dot_type" (F32, F16, BF16, or the 8-bit Q8_0 / Q8_1 / Q8_K), then each weight row takes a
// dot product with them in that format.
struct VecDot {
    // Bytes of one converted activation row of n elements (n a multiple of the block size).
    std::size_t (*activationBytes)(std::size_t n);
    void (*convert)(const float *x, std::uint8_t *out, std::size_t n);
    float (*dot)(const std::uint8_t *weightRow, const std::uint8_t *activations, std::size_t n);
};

// Throws std::logic_error for a type the CPU backend does not compute with.
const VecDot &vecDotFor(gguf::TensorType weightType);

// The same for a matrix of `weightRows` rows: llama.cpp's x86 backend repacks some types' matrices
// by their row count (CPU_REPACK, ggml-cpu/repack.cpp) and then adds up in another order.
const VecDot &vecDotFor(gguf::TensorType weightType, std::size_t weightRows);

} // namespace glassbox::compute
