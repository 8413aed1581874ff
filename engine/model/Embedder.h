#pragma once

#include "ModelConfig.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace glassbox::model
{

// A BERT encoder for sentence embeddings: token + position + token-type embeddings and a
// LayerNorm, then `layers` post-norm blocks (bidirectional attention with biases → residual →
// LayerNorm, GELU feed-forward → residual → LayerNorm), pooled as the file says (mean, CLS or last
// token) and scaled to unit length.
class Embedder
{
public:
    // The file must outlive the embedder (weights may be read from its mapping).
    Embedder(const gguf::GgufFile &file, compute::ComputeBackend &backend);
    ~Embedder();

    const ModelConfig &config() const
    {
        return m_config;
    }
    std::size_t dimension() const
    {
        return m_config.embedding;
    }

    // One unit-length vector of dimension() floats per input. Each input holds token ids with the
    // model's special tokens ([CLS] … [SEP]) in place, at most config().contextLength of them.
    std::vector<std::vector<float>> embed(std::span<const std::vector<std::int32_t>> inputs);

private:
    struct Weights;

    std::vector<float> embedOne(std::span<const std::int32_t> tokens);

    compute::ComputeBackend &m_backend;
    ModelConfig m_config;
    std::unique_ptr<Weights> m_weights;
};

} // namespace glassbox::model
