#pragma once

#include <cstddef>
#include <cstdint>

namespace glassbox::compute::kernels
{

// The arithmetic of each operation on plain float arrays, one row (or one head) at a time, in the
// spirit of llama2.c's run.c. Threading and tensor bookkeeping live in CpuBackend.

// out = x / sqrt(mean(x²) + eps) * gain
void rmsNorm(const float *x, const float *gain, float eps, float *out, std::size_t n);
// Rotates adjacent pairs (x[2i], x[2i+1]), i < dims / 2, by position * freqScale * base^(-2i/dims).
void rope(float *x, std::size_t dims, std::int32_t position, float freqBase, float freqScale);
// NeoX pairing: rotates (x[i], x[i + dims/2]), i < dims / 2, by the same angles as rope().
void ropeNeox(float *x, std::size_t dims, std::int32_t position, float freqBase, float freqScale);
// out = (x - mean) / sqrt(variance + eps) * gain + bias
void layerNorm(const float *x, const float *gain, const float *bias, float eps, float *out, std::size_t n);
// The tanh approximation of GELU, as ggml computes it (through a table of halves).
float gelu(float x);
// gate = silu(gate) * up, as ggml computes it (GgmlMath.h)
void swiglu(float *gate, const float *up, std::size_t n);
void add(float *x, const float *y, std::size_t n);

} // namespace glassbox::compute::kernels
