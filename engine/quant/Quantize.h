#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>

namespace glassbox::quant {

// Quantizes `n` floats (a whole number of blocks) to `type` with ggml's round-to-nearest reference
// quantizers (quantize_row_*_ref: the ones llama.cpp uses without an importance matrix), giving the
// same bytes. The input must be finite. Returns the bytes written. Throws glassbox::Error for an unsupported type or a partial
// block.
std::size_t quantizeRow(gguf::TensorType type, const float *in, void *blocks, std::int64_t n);

} // namespace glassbox::quant
