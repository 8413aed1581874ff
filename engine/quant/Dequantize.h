#pragma once

#include "gguf/TensorType.h"

#include <cstdint>

namespace glassbox::quant {

// Converts `n` elements of `type` (a whole number of blocks) to floats, giving the same floats as
// ggml's dequantization of the same bytes. `blocks` needs 2-byte alignment (GGUF tensor data has it).
// Throws glassbox::Error for an unsupported type or a partial block.
void dequantizeRow(gguf::TensorType type, const void *blocks, float *out, std::int64_t n);

} // namespace glassbox::quant
