#include "Weights.h"

#include "ModelConfig.h"
#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <string>

namespace glassbox::model
{

namespace
{

std::string shapeText(std::size_t cols, std::size_t rows)
{
    return "[" + std::to_string(cols) + ", " + std::to_string(rows) + "]";
}

} // namespace

std::unique_ptr<compute::Tensor>
loadTensor(const gguf::GgufFile &file, compute::ComputeBackend &backend, const std::string &name, std::size_t cols, std::size_t rows)
{
    const gguf::TensorInfo *info = file.findTensor(name);
    if (!info)
        throw Error(file.path() + ": tensor " + name + " is missing");
    if (info->rowLength() != cols || info->rowCount() != rows || info->dims.size() > 2)
        throw Error(file.path() + ": tensor " + name + " should have shape " + shapeText(cols, rows));
    if (rows == 1 && info->type != gguf::TensorType::F32)
        throw Error(file.path() + ": tensor " + name + " should be F32, not " + std::string(gguf::tensorTypeName(info->type)));
    if (!backend.supportsWeightType(info->type))
        throw Error(file.path() + ": tensor " + name + " has type " + std::string(gguf::tensorTypeName(info->type)) + ", which the "
                    + std::string(backend.name()) + " backend cannot compute with");
    return backend.weight(*info);
}

Weights Weights::load(const gguf::GgufFile &file, const ModelConfig &config, compute::ComputeBackend &backend, const LoadProgress &progress)
{
    const ArchitectureTraits &traits = config.traits;
    const std::size_t n = config.embedding;
    const std::size_t ff = config.feedForward;
    Weights weights;
    weights.tokenEmbedding = loadTensor(file, backend, "token_embd.weight", n, config.vocab);
    weights.outputNorm = loadTensor(file, backend, "output_norm.weight", n, 1);
    if (!config.tiedOutput)
        weights.output = loadTensor(file, backend, "output.weight", n, config.vocab);
    for (std::size_t i = 0; i < config.layers; ++i) {
        const std::string prefix = "blk." + std::to_string(i) + ".";
        auto tensor = [&](const char *name, std::size_t cols, std::size_t rows, const char *kind = ".weight") {
            return loadTensor(file, backend, prefix + name + kind, cols, rows);
        };
        LayerWeights layer;
        layer.attnNorm = tensor("attn_norm", n, 1);
        if (traits.fusedQkv) {
            layer.qkv = tensor("attn_qkv", n, config.queryWidth() + 2 * config.kvWidth());
        } else {
            layer.query = tensor("attn_q", n, config.queryWidth());
            layer.key = tensor("attn_k", n, config.kvWidth());
            layer.value = tensor("attn_v", n, config.kvWidth());
        }
        if (traits.qkvBias) {
            layer.queryBias = tensor("attn_q", config.queryWidth(), 1, ".bias");
            layer.keyBias = tensor("attn_k", config.kvWidth(), 1, ".bias");
            layer.valueBias = tensor("attn_v", config.kvWidth(), 1, ".bias");
        }
        if (traits.headNorms) {
            layer.queryNorm = tensor("attn_q_norm", config.headDim, 1);
            layer.keyNorm = tensor("attn_k_norm", config.headDim, 1);
        }
        layer.attnOutput = tensor("attn_output", config.queryWidth(), n);
        layer.ffnNorm = tensor("ffn_norm", n, 1);
        if (traits.fusedGateUp) {
            layer.ffnUp = tensor("ffn_up", n, 2 * ff);
        } else {
            layer.ffnGate = tensor("ffn_gate", n, ff);
            layer.ffnUp = tensor("ffn_up", n, ff);
        }
        layer.ffnDown = tensor("ffn_down", ff, n);
        if (traits.postNorms) {
            layer.postAttnNorm = tensor("post_attention_norm", n, 1);
            layer.postFfnNorm = tensor("post_ffw_norm", n, 1);
        }
        weights.layers.push_back(std::move(layer));
        if (progress)
            progress(double(i + 1) / double(config.layers));
    }
    return weights;
}

} // namespace glassbox::model
