#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace glassbox::gguf {
class GgufFile;
}

namespace glassbox::quant {

struct QuantizeSummary {
    std::size_t quantized = 0; // tensors converted to the target type
    std::size_t kept = 0; // tensors copied as they were
    std::uint64_t outputBytes = 0; // tensor data written
};

// Writes `input` to `outputPath` with every weight matrix (a tensor named "*weight" with at least two
// dimensions) converted to `type`; already-quantized weights are dequantized first. 1-D tensors (norm
// gains, biases) and matrices whose row length is not a whole number of `type` blocks stay as they
// are. Metadata is copied; general.file_type and general.quantization_version are set the way
// llama.cpp sets them. Throws glassbox::Error for an unsupported target or source type.
QuantizeSummary quantizeModel(const gguf::GgufFile &input, const std::string &outputPath, gguf::TensorType type);

} // namespace glassbox::quant
