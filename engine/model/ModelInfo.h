#pragma once

#include "gguf/TensorType.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace glassbox::gguf {
class GgufFile;
}

namespace glassbox::model {

// How many tensors of one type the file holds; together they are the file's quant mix.
struct TensorTypeCount {
    gguf::TensorType type = gguf::TensorType::F32;
    std::uint64_t tensors = 0;
    std::uint64_t bytes = 0;
};

struct SpecialToken {
    std::string role; // "bos", "eos", "eot", "unk", "pad", "sep", "cls", "mask"
    std::uint32_t id = 0;
    std::string text; // empty when the file has no vocabulary
};

struct RopeInfo {
    std::optional<std::uint64_t> dimensionCount;
    std::optional<double> freqBase;
    std::string scalingType; // "linear", "yarn", ...; empty when the file says nothing
    std::optional<double> scalingFactor;
    std::optional<std::uint64_t> originalContext; // the context the scaling stretches from
};

// What a model is, read from its GGUF metadata and tensor table: everything `glassbox-cli inspect`
// shows and the app's model card needs. Hyper-parameters the file does not state stay empty.
struct ModelInfo {
    std::string architecture;
    std::string name;
    std::uint32_t ggufVersion = 0;
    std::uint64_t fileSize = 0;

    std::uint64_t tensorCount = 0;
    std::uint64_t parameterCount = 0; // elements of all tensors
    std::uint64_t weightBytes = 0; // bytes of all tensor data
    std::vector<TensorTypeCount> tensorTypes; // in ggml type order

    std::optional<std::uint64_t> contextLength;
    std::optional<std::uint64_t> layerCount;
    std::optional<std::uint64_t> headCount;
    std::optional<std::uint64_t> kvHeadCount; // defaults to headCount, as in llama.cpp
    std::optional<std::uint64_t> headDim; // key_length, or embeddingLength / headCount
    std::optional<std::uint64_t> embeddingLength;
    std::optional<std::uint64_t> feedForwardLength;
    std::optional<std::uint64_t> slidingWindow;
    RopeInfo rope;

    std::uint64_t vocabSize = 0;
    std::string tokenizerModel;
    std::string preTokenizer;
    std::vector<SpecialToken> specialTokens;
    bool hasChatTemplate = false;
    std::uint64_t chatTemplateLength = 0; // bytes

    static ModelInfo fromGguf(const gguf::GgufFile &file);

    // Bytes of the K and V caches for `contextLength` positions:
    // 2 × layers × kv_heads × head_dim × context × bytesPerElement. Empty when a factor is unknown
    // or the product overflows.
    std::optional<std::uint64_t> kvCacheBytes(std::uint64_t context, std::uint64_t bytesPerElement) const;
};

} // namespace glassbox::model
