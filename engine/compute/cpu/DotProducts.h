#pragma once

#include <cstddef>
#include <cstdint>

// F32, F16 and BF16 weight rows against activations rounded to the same type (ggml converts them
// first, too), in the order of llama.cpp's AVX2 build: ggml_vec_dot_f32/f16/bf16 for one activation
// row, llamafile's tinyBLAS for a batch (`Batched`, when n is a multiple of 8; GgmlMath.h). The
// quantized types have their own kernel (QuantKernel.h).
namespace glassbox::compute::dot
{

float f32(const float *w, const float *a, std::size_t n);
float f16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);
float bf16(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);
float f32Batched(const float *w, const float *a, std::size_t n);
float f16Batched(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);
float bf16Batched(const std::uint16_t *w, const std::uint16_t *a, std::size_t n);

} // namespace glassbox::compute::dot
