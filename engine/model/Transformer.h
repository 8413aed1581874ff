#pragma once

#include "ModelConfig.h"
#include "Weights.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace glassbox::session
{
class KvCache;
}

namespace glassbox::inspect
{
class AttentionCapture;
class HiddenStateCapture;
}

namespace glassbox::model
{

// A decoder in the llama mould: token embeddings, `layers` blocks of (RMSNorm → attention with RoPE
// and grouped KV heads → residual, RMSNorm → gated feed-forward → residual), a final RMSNorm and
// the projection to logits. What other architectures change (biases, fused projections, per-head
// and post-block norms, GeGLU, sliding windows, soft-capping) comes from ModelConfig::traits and
// the tensors present. It holds no per-conversation state; the KV cache is passed in.
class Transformer
{
public:
    // The file must outlive the transformer (weights may be read from its mapping). progress: see
    // Weights::load (uploading weights to a GPU takes a while).
    Transformer(const gguf::GgufFile &file, compute::ComputeBackend &backend, const LoadProgress &progress = {});

    const ModelConfig &config() const
    {
        return m_config;
    }
    compute::ComputeBackend &backend()
    {
        return m_backend;
    }

    // Runs `tokens`, which sit at positions start, start + 1, …, through the model, storing their
    // keys and values in `cache`. Returns the logits (vocab floats each) after each batch index in
    // `logitRows`, in that order. One call at a time: the working tensors are shared.
    std::vector<float> forward(std::span<const std::int32_t> tokens, std::size_t start, session::KvCache &cache, std::span<const std::size_t> logitRows);

    // The final norm and output head (the end of forward()) applied to host rows of n_embd floats,
    // e.g. captured hidden states for a logit lens. Returns vocab logits per row.
    std::vector<float> outputLogits(std::span<const float> states);

    // Opt-in inspection of every following forward pass; null (the default) turns it off. The
    // captures are not owned and must outlive their use; throws glassbox::Error when the capture
    // names a layer or head the model does not have.
    void setAttentionCapture(inspect::AttentionCapture *capture);
    void setHiddenStateCapture(inspect::HiddenStateCapture *capture)
    {
        m_hiddenStates = capture;
    }

private:
    // Working tensors for a batch of `rows` tokens, reused while the batch size stays the same.
    struct Scratch {
        std::size_t rows = 0;
        std::unique_ptr<compute::Tensor> x; // the residual stream
        std::unique_ptr<compute::Tensor> normed;
        std::unique_ptr<compute::Tensor> query;
        std::unique_ptr<compute::Tensor> key;
        std::unique_ptr<compute::Tensor> value;
        std::unique_ptr<compute::Tensor> attended;
        std::unique_ptr<compute::Tensor> delta; // what a block adds to the residual stream
        std::unique_ptr<compute::Tensor> gate;
        std::unique_ptr<compute::Tensor> up;
        std::unique_ptr<compute::Tensor> qkv; // the fused attn_qkv output; null without one
        std::unique_ptr<compute::Tensor> gateUp; // the fused ffn_up output; null without one
    };

    // The output head's working tensors for `rows` rows; kept between calls for decode's single row.
    struct HeadScratch {
        std::size_t rows = 0;
        std::unique_ptr<compute::Tensor> picked;
        std::unique_ptr<compute::Tensor> normed;
        std::unique_ptr<compute::Tensor> logits;
    };

    Scratch &scratch(std::size_t rows);
    HeadScratch &headScratch(std::size_t rows);
    void attentionBlock(const LayerWeights &layer, std::size_t index, std::span<const std::int32_t> positions, session::KvCache &cache);
    void projectQkv(const LayerWeights &layer);
    void feedForwardBlock(const LayerWeights &layer);
    // x += weight · input, passed first through the block's post-norm when it has one.
    void addProjection(const compute::Tensor &weight, const compute::Tensor &input, const compute::Tensor *postNorm);
    // Runs the layer's attention, capturing its probabilities when the attention capture wants them.
    void attend(std::size_t index, std::span<const std::int32_t> positions, session::KvCache &cache);
    void captureHiddenState(std::size_t layer, std::size_t start);
    std::vector<float> logits(std::span<const std::size_t> rows);
    std::vector<float> outputHead(const compute::Tensor &states);

    compute::ComputeBackend &m_backend;
    ModelConfig m_config;
    Weights m_weights;
    Scratch m_scratch;
    HeadScratch m_head;
    inspect::AttentionCapture *m_attention = nullptr;
    inspect::HiddenStateCapture *m_hiddenStates = nullptr;
};

} // namespace glassbox::model
