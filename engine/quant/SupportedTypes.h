#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace glassbox::quant {

// The tensor types Glassbox can dequantize and quantize: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1
// and the K-quants Q2_K..Q6_K. The i-quants, ternary quants, MXFP4 and the activation-only formats
// (Q8_1, Q8_K) are not.
bool isSupportedWeightType(gguf::TensorType type);

// Throws glassbox::Error "unsupported tensor type X in tensor 'NAME'" unless the type is supported.
void requireSupported(gguf::TensorType type, std::string_view tensorName);

// Bytes of `elements` values of `type`; throws glassbox::Error unless `elements` is a whole number of
// blocks of a supported type.
std::size_t rowBytes(gguf::TensorType type, std::int64_t elements);

} // namespace glassbox::quant
