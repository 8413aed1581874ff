#include "Transformer.h"

#include "gguf/GgufFile.h"
#include "inspect/AttentionCapture.h"
#include "inspect/HiddenStateCapture.h"
#include "session/KvCache.h"
#include "util/Error.h"

#include <numeric>

namespace glassbox::model
{

using gguf::TensorType;

namespace
{

// Checked before any weight is loaded, so an encoder gets this message rather than a missing tensor.
ModelConfig decoderConfig(const gguf::GgufFile &file)
{
    ModelConfig config = ModelConfig::fromGguf(file);
    if (config.traits.encoder)
        throw Error(file.path() + ": '" + config.architecture + "' is an embedding model (see Embedder), not a text generator");
    return config;
}

} // namespace

Transformer::Transformer(const gguf::GgufFile &file, compute::ComputeBackend &backend, const LoadProgress &progress)
    : m_backend(backend)
    , m_config(decoderConfig(file))
    , m_weights(Weights::load(file, m_config, backend, progress))
{
}

std::vector<float>
Transformer::forward(std::span<const std::int32_t> tokens, std::size_t start, session::KvCache &cache, std::span<const std::size_t> logitRows)
{
    if (tokens.empty())
        return {};
    if (start + tokens.size() > cache.capacity())
        throw Error("the context is full: " + std::to_string(start + tokens.size()) + " positions do not fit in " + std::to_string(cache.capacity()));
    if (cache.keys(0).cols() != m_config.kvWidth())
        throw Error("the KV cache was made for another model");
    for (std::size_t row : logitRows)
        if (row >= tokens.size())
            throw Error("logits requested for a position outside the batch");

    std::vector<std::int32_t> positions(tokens.size());
    std::iota(positions.begin(), positions.end(), static_cast<std::int32_t>(start));

    Scratch &s = scratch(tokens.size());
    m_backend.embed(*m_weights.tokenEmbedding, tokens, *s.x);
    if (m_config.embeddingScale != 1.0f)
        m_backend.scale(*s.x, m_config.embeddingScale);
    for (std::size_t i = 0; i < m_config.layers; ++i) {
        if (m_hiddenStates)
            captureHiddenState(i, start);
        attentionBlock(m_weights.layers[i], i, positions, cache);
        feedForwardBlock(m_weights.layers[i]);
    }
    if (m_hiddenStates)
        captureHiddenState(m_config.layers, start);
    return logits(logitRows);
}

void Transformer::setAttentionCapture(inspect::AttentionCapture *capture)
{
    if (capture && capture->layers().back() >= m_config.layers)
        throw Error("attention capture: layer " + std::to_string(capture->layers().back()) + " does not exist; the model has " +
                    std::to_string(m_config.layers));
    if (capture && capture->heads().back() >= m_config.heads)
        throw Error("attention capture: head " + std::to_string(capture->heads().back()) + " does not exist; the model has " +
                    std::to_string(m_config.heads));
    m_attention = capture;
}

void Transformer::captureHiddenState(std::size_t layer, std::size_t start)
{
    const compute::Tensor &x = *m_scratch.x;
    const bool lastOnly = m_hiddenStates->rows() == inspect::HiddenStateCapture::Rows::Last;
    const std::size_t first = lastOnly ? x.rows() - 1 : 0;
    std::vector<float> values((x.rows() - first) * x.cols());
    m_backend.read(x, first, x.rows() - first, values.data());
    m_hiddenStates->record(layer, m_config.layers + 1, start + first, x.rows() - first, values, x.cols());
}

Transformer::Scratch &Transformer::scratch(std::size_t rows)
{
    if (m_scratch.rows == rows)
        return m_scratch;
    const ModelConfig &c = m_config;
    auto make = [&](std::size_t cols) {
        return m_backend.create(TensorType::F32, rows, cols);
    };
    m_scratch = Scratch{rows,
                        make(c.embedding),
                        make(c.embedding),
                        make(c.queryWidth()),
                        make(c.kvWidth()),
                        make(c.kvWidth()),
                        make(c.queryWidth()),
                        make(c.embedding),
                        make(c.feedForward),
                        make(c.feedForward),
                        c.traits.fusedQkv ? make(c.queryWidth() + 2 * c.kvWidth()) : nullptr,
                        c.traits.fusedGateUp ? make(2 * c.feedForward) : nullptr};
    return m_scratch;
}

Transformer::HeadScratch &Transformer::headScratch(std::size_t rows)
{
    if (m_head.rows != rows) {
        m_head = HeadScratch{rows,
                             m_backend.create(TensorType::F32, rows, m_config.embedding),
                             m_backend.create(TensorType::F32, rows, m_config.embedding),
                             m_backend.create(TensorType::F32, rows, m_config.vocab)};
    }
    return m_head;
}

void Transformer::attentionBlock(const LayerWeights &layer, std::size_t index, std::span<const std::int32_t> positions, session::KvCache &cache)
{
    Scratch &s = m_scratch;
    projectQkv(layer);
    const compute::HeadNorms norms{layer.queryNorm.get(), layer.keyNorm.get(), m_config.rmsEps};
    const auto start = static_cast<std::size_t>(positions.front());
    m_backend.ropeAndStore(*s.query,
                           *s.key,
                           *s.value,
                           m_config.heads,
                           m_config.kvHeads,
                           positions,
                           m_config.ropeFor(index),
                           cache.keys(index),
                           cache.values(index),
                           start,
                           layer.queryNorm ? &norms : nullptr);
    attend(index, positions, cache);
    addProjection(*layer.attnOutput, *s.attended, layer.postAttnNorm.get());
}

void Transformer::attend(std::size_t index, std::span<const std::int32_t> positions, session::KvCache &cache)
{
    Scratch &s = m_scratch;
    const compute::AttentionParams params = m_config.attentionFor(index);
    if (!m_attention || !m_attention->capturesLayer(index)) {
        m_backend.attention(*s.query, cache.keys(index), cache.values(index), m_config.heads, m_config.kvHeads, positions, params, *s.attended, nullptr);
        return;
    }
    // A decoder's queries see at most the keys up to the last position of the batch.
    const auto start = static_cast<std::size_t>(positions.front());
    const std::size_t keys = start + positions.size();
    const std::vector<std::size_t> &heads = m_attention->heads();
    auto probabilities = m_backend.create(TensorType::F32, positions.size() * heads.size(), keys);
    const compute::AttentionProbabilities wanted{heads, probabilities.get()};
    m_backend.attention(*s.query, cache.keys(index), cache.values(index), m_config.heads, m_config.kvHeads, positions, params, *s.attended, &wanted);
    std::vector<float> values(probabilities->rows() * keys);
    m_backend.read(*probabilities, 0, probabilities->rows(), values.data());
    m_attention->record(index, start, positions.size(), values, keys);
}

// Query, key and value of the stream through attn_norm (which the products fuse), from one fused
// matrix or three, plus biases.
void Transformer::projectQkv(const LayerWeights &layer)
{
    Scratch &s = m_scratch;
    const compute::NormedInput input{s.x.get(), layer.attnNorm.get(), m_config.rmsEps, s.normed.get()};
    if (layer.qkv) {
        const compute::MatmulTarget target[] = {{layer.qkv.get(), s.qkv.get()}};
        m_backend.matmuls(input, target);
        m_backend.sliceColumns(*s.qkv, 0, *s.query);
        m_backend.sliceColumns(*s.qkv, m_config.queryWidth(), *s.key);
        m_backend.sliceColumns(*s.qkv, m_config.queryWidth() + m_config.kvWidth(), *s.value);
    } else {
        const compute::MatmulTarget targets[] = {{layer.query.get(), s.query.get()}, {layer.key.get(), s.key.get()}, {layer.value.get(), s.value.get()}};
        m_backend.matmuls(input, targets);
    }
    if (layer.queryBias) {
        m_backend.addBias(*s.query, *layer.queryBias);
        m_backend.addBias(*s.key, *layer.keyBias);
        m_backend.addBias(*s.value, *layer.valueBias);
    }
}

void Transformer::feedForwardBlock(const LayerWeights &layer)
{
    Scratch &s = m_scratch;
    const compute::NormedInput input{s.x.get(), layer.ffnNorm.get(), m_config.rmsEps, s.normed.get()};
    const bool gelu = m_config.traits.activation == Activation::GeGlu;
    if (layer.ffnGate) {
        m_backend.gatedMatmul(*layer.ffnGate, *layer.ffnUp, input, gelu ? compute::GateActivation::Gelu : compute::GateActivation::Silu, *s.gate);
    } else {
        const compute::MatmulTarget target[] = {{layer.ffnUp.get(), s.gateUp.get()}};
        m_backend.matmuls(input, target);
        m_backend.sliceColumns(*s.gateUp, 0, *s.gate);
        m_backend.sliceColumns(*s.gateUp, m_config.feedForward, *s.up);
        if (gelu)
            m_backend.geglu(*s.gate, *s.up);
        else
            m_backend.swiglu(*s.gate, *s.up);
    }
    addProjection(*layer.ffnDown, *s.gate, layer.postFfnNorm.get());
}

// x += weight · input, through the block's post-norm when it has one (Gemma 2/3).
void Transformer::addProjection(const compute::Tensor &weight, const compute::Tensor &input, const compute::Tensor *postNorm)
{
    Scratch &s = m_scratch;
    if (!postNorm) {
        m_backend.matmulAdd(weight, input, *s.x);
        return;
    }
    m_backend.matmul(weight, input, *s.delta);
    m_backend.addNormalized({s.delta.get(), postNorm, m_config.rmsEps, s.normed.get()}, *s.x);
}

// Only the rows whose logits are wanted go through the final norm and the (vocab-wide) projection.
std::vector<float> Transformer::logits(std::span<const std::size_t> rows)
{
    if (rows.empty())
        return {};
    compute::Tensor &picked = *headScratch(rows.size()).picked;
    for (std::size_t i = 0; i < rows.size(); ++i)
        m_backend.copyRows(*m_scratch.x, rows[i], picked, i, 1);
    return outputHead(picked);
}

std::vector<float> Transformer::outputLogits(std::span<const float> states)
{
    if (states.empty() || states.size() % m_config.embedding != 0)
        throw Error("output logits: the states are not rows of " + std::to_string(m_config.embedding) + " floats");
    const std::size_t rows = states.size() / m_config.embedding;
    auto uploaded = m_backend.create(TensorType::F32, rows, m_config.embedding);
    m_backend.write(*uploaded, 0, rows, states.data());
    return outputHead(*uploaded);
}

std::vector<float> Transformer::outputHead(const compute::Tensor &states)
{
    const std::size_t rows = states.rows();
    HeadScratch &head = headScratch(rows);
    m_backend.rmsNorm(states, *m_weights.outputNorm, m_config.rmsEps, *head.normed);
    m_backend.matmul(m_weights.outputProjection(), *head.normed, *head.logits);
    if (m_config.finalSoftcap > 0.0f)
        m_backend.softcap(*head.logits, m_config.finalSoftcap);
    std::vector<float> values(rows * m_config.vocab);
    m_backend.read(*head.logits, 0, rows, values.data());
    if (rows > 1)
        m_head = {}; // a prompt's worth of vocabulary-wide rows is too big to keep around
    return values;
}

} // namespace glassbox::model
