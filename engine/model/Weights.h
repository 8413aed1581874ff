#pragma once

#include "compute/ComputeBackend.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace glassbox::gguf
{
class GgufFile;
}

namespace glassbox::model
{

struct ModelConfig;

// One transformer block's tensors, named as in llama.cpp's GGUF files (blk.N.<name>.weight).
// Tensors an architecture does not have (see ArchitectureTraits) stay null.
struct LayerWeights {
    std::unique_ptr<compute::Tensor> attnNorm; // attn_norm
    std::unique_ptr<compute::Tensor> query; // attn_q
    std::unique_ptr<compute::Tensor> key; // attn_k
    std::unique_ptr<compute::Tensor> value; // attn_v
    std::unique_ptr<compute::Tensor> qkv; // attn_qkv: Q, K and V rows in one matrix, instead of the three
    std::unique_ptr<compute::Tensor> queryBias; // attn_q.bias
    std::unique_ptr<compute::Tensor> keyBias; // attn_k.bias
    std::unique_ptr<compute::Tensor> valueBias; // attn_v.bias
    std::unique_ptr<compute::Tensor> queryNorm; // attn_q_norm: per head
    std::unique_ptr<compute::Tensor> keyNorm; // attn_k_norm: per head
    std::unique_ptr<compute::Tensor> attnOutput; // attn_output
    std::unique_ptr<compute::Tensor> postAttnNorm; // post_attention_norm
    std::unique_ptr<compute::Tensor> ffnNorm; // ffn_norm
    std::unique_ptr<compute::Tensor> ffnGate; // ffn_gate; null when ffn_up holds the gate too
    std::unique_ptr<compute::Tensor> ffnUp; // ffn_up
    std::unique_ptr<compute::Tensor> ffnDown; // ffn_down
    std::unique_ptr<compute::Tensor> postFfnNorm; // post_ffw_norm
};

// Every weight of a llama-family model, handed to the backend (for the CPU: views into the mapped
// file, which must outlive them). Shapes and types are checked here, once, against the config.
using LoadProgress = std::function<void(double)>;

struct Weights {
    std::unique_ptr<compute::Tensor> tokenEmbedding; // token_embd: vocab rows of n_embd
    std::unique_ptr<compute::Tensor> outputNorm; // output_norm
    std::unique_ptr<compute::Tensor> output; // output: vocab rows; null when tied to tokenEmbedding
    std::vector<LayerWeights> layers;

    const compute::Tensor &outputProjection() const
    {
        return output ? *output : *tokenEmbedding;
    }

    // Throws glassbox::Error naming the tensor that is missing, misshapen or of a type the backend
    // cannot compute with. progress (if set) is told the fraction loaded after each layer; it may
    // throw to abandon the load.
    static Weights load(const gguf::GgufFile &file, const ModelConfig &config, compute::ComputeBackend &backend, const LoadProgress &progress = {});
};

// The tensor `name`, which must have rows of `cols` elements (`rows` of them; 1 for an F32 vector).
// Throws glassbox::Error naming the tensor that is missing, misshapen or of an unusable type.
std::unique_ptr<compute::Tensor>
loadTensor(const gguf::GgufFile &file, compute::ComputeBackend &backend, const std::string &name, std::size_t cols, std::size_t rows);

} // namespace glassbox::model
