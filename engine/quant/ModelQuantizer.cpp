#include "ModelQuantizer.h"

#include "Dequantize.h"
#include "Quantize.h"
#include "SupportedTypes.h"
#include "gguf/GgufFile.h"
#include "gguf/GgufWriter.h"
#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace glassbox::quant {

using gguf::TensorType;

namespace {

// llama.cpp's llama_ftype for a file that is "mostly" `type` (the K-quants as their _S mixes).
std::uint32_t llamaFileType(TensorType type)
{
    switch (type) {
    case TensorType::F32: return 0;
    case TensorType::F16: return 1;
    case TensorType::Q4_0: return 2;
    case TensorType::Q4_1: return 3;
    case TensorType::Q8_0: return 7;
    case TensorType::Q5_0: return 8;
    case TensorType::Q5_1: return 9;
    case TensorType::Q2_K: return 10;
    case TensorType::Q3_K: return 11;
    case TensorType::Q4_K: return 14;
    case TensorType::Q5_K: return 16;
    case TensorType::Q6_K: return 18;
    case TensorType::BF16: return 32;
    default: throw Error("cannot quantize to " + std::string(gguf::tensorTypeName(type)));
    }
}

gguf::Value uint32Value(std::uint32_t value)
{
    gguf::Value result;
    result.type = gguf::ValueType::UInt32;
    result.data = std::uint64_t(value);
    return result;
}

bool isWeightMatrix(const gguf::TensorInfo &tensor)
{
    return tensor.dims.size() >= 2 && tensor.name.ends_with("weight");
}

} // namespace

QuantizeSummary quantizeModel(const gguf::GgufFile &input, const std::string &outputPath, TensorType type)
{
    if (!isSupportedWeightType(type))
        throw Error("cannot quantize to " + std::string(gguf::tensorTypeName(type))
                    + ": supported types are F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K");
    const std::uint32_t blockElements = gguf::tensorTypeTraits(static_cast<std::uint32_t>(type))->blockElements;

    gguf::GgufWriter writer;
    for (const gguf::MetadataEntry &entry : input.metadata())
        writer.setMetadata(entry.key, entry.value);
    writer.setMetadata("general.file_type", uint32Value(llamaFileType(type)));
    writer.setMetadata("general.quantization_version", uint32Value(2));

    QuantizeSummary summary;
    std::vector<bool> convert;
    for (const gguf::TensorInfo &tensor : input.tensors()) {
        const bool converts = isWeightMatrix(tensor) && tensor.type != type && tensor.rowLength() % blockElements == 0;
        if (converts)
            requireSupported(tensor.type, tensor.name);
        convert.push_back(converts);
        writer.addTensor(tensor.name, tensor.dims, converts ? type : tensor.type);
        ++(converts ? summary.quantized : summary.kept);
    }
    for (const auto &tensor : writer.tensors())
        summary.outputBytes += tensor.byteSize;

    std::vector<float> row;
    writer.write(outputPath, [&](std::size_t index, std::uint8_t *out) {
        const gguf::TensorInfo &tensor = input.tensors()[index];
        if (!convert[index]) {
            std::copy(tensor.data, tensor.data + tensor.byteSize, out);
            return;
        }
        const auto rowLength = std::int64_t(tensor.rowLength());
        const std::size_t inBytes = rowBytes(tensor.type, rowLength);
        row.resize(std::size_t(rowLength));
        for (std::uint64_t r = 0; r < tensor.rowCount(); ++r) {
            dequantizeRow(tensor.type, tensor.data + r * inBytes, row.data(), rowLength);
            // The quantizers' float-to-integer conversions are only defined for finite input.
            if (!std::all_of(row.begin(), row.end(), [](float v) { return std::isfinite(v); }))
                throw Error("tensor '" + tensor.name + "' row " + std::to_string(r) + " has a non-finite value; cannot quantize it");
            out += quantizeRow(type, row.data(), out, rowLength);
        }
    });
    return summary;
}

} // namespace glassbox::quant
