#include "Embedder.h"

#include "Weights.h"
#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <cmath>
#include <numeric>
#include <string>

namespace glassbox::model
{

using compute::Tensor;
using gguf::TensorType;

// A LayerNorm's gain and bias.
struct NormWeights {
    std::unique_ptr<Tensor> gain;
    std::unique_ptr<Tensor> bias;
};

// A matrix and the bias added to its product.
struct AffineWeights {
    std::unique_ptr<Tensor> weight;
    std::unique_ptr<Tensor> bias;
};

struct EncoderLayer {
    AffineWeights query; // attn_q
    AffineWeights key; // attn_k
    AffineWeights value; // attn_v
    AffineWeights attnOutput; // attn_output
    NormWeights attnNorm; // attn_output_norm
    AffineWeights ffnUp; // ffn_up
    AffineWeights ffnDown; // ffn_down
    NormWeights outputNorm; // layer_output_norm
};

struct Embedder::Weights {
    std::unique_ptr<Tensor> tokenEmbedding; // token_embd
    std::unique_ptr<Tensor> positionEmbedding; // position_embd
    std::unique_ptr<Tensor> tokenTypes; // token_types: row 0 is added to every token
    NormWeights embeddingNorm; // token_embd_norm
    std::vector<EncoderLayer> layers;
};

namespace
{

class Loader
{
public:
    Loader(const gguf::GgufFile &file, compute::ComputeBackend &backend)
        : m_file(file)
        , m_backend(backend)
    {
    }
    std::unique_ptr<Tensor> matrix(const std::string &name, std::size_t cols, std::size_t rows) const
    {
        return loadTensor(m_file, m_backend, name + ".weight", cols, rows);
    }
    NormWeights norm(const std::string &name, std::size_t width) const
    {
        return {loadTensor(m_file, m_backend, name + ".weight", width, 1), loadTensor(m_file, m_backend, name + ".bias", width, 1)};
    }
    AffineWeights affine(const std::string &name, std::size_t cols, std::size_t rows) const
    {
        return {matrix(name, cols, rows), loadTensor(m_file, m_backend, name + ".bias", rows, 1)};
    }

private:
    const gguf::GgufFile &m_file;
    compute::ComputeBackend &m_backend;
};

} // namespace

Embedder::Embedder(const gguf::GgufFile &file, compute::ComputeBackend &backend)
    : m_backend(backend)
    , m_config(ModelConfig::fromGguf(file))
    , m_weights(std::make_unique<Weights>())
{
    if (!m_config.traits.encoder)
        throw Error(file.path() + ": '" + m_config.architecture + "' is a text generator, not an embedding model");
    if (m_config.pooling == Pooling::None)
        throw Error(file.path() + ": the model gives one vector per token (pooling type none), not one per input");
    if (m_config.kvHeads != m_config.heads || m_config.queryWidth() != m_config.embedding)
        throw Error(file.path() + ": an encoder needs as many key/value heads as heads, filling n_embd");
    const std::size_t n = m_config.embedding;
    const std::size_t ff = m_config.feedForward;
    const Loader load(file, backend);
    Weights &w = *m_weights;
    w.tokenEmbedding = load.matrix("token_embd", n, m_config.vocab);
    w.positionEmbedding = load.matrix("position_embd", n, m_config.contextLength);
    const gguf::TensorInfo *types = file.findTensor("token_types.weight");
    w.tokenTypes = load.matrix("token_types", n, types && types->dims.size() == 2 ? types->rowCount() : 1);
    w.embeddingNorm = load.norm("token_embd_norm", n);
    for (std::size_t i = 0; i < m_config.layers; ++i) {
        const std::string prefix = "blk." + std::to_string(i) + ".";
        w.layers.push_back({load.affine(prefix + "attn_q", n, n),
                            load.affine(prefix + "attn_k", n, n),
                            load.affine(prefix + "attn_v", n, n),
                            load.affine(prefix + "attn_output", n, n),
                            load.norm(prefix + "attn_output_norm", n),
                            load.affine(prefix + "ffn_up", n, ff),
                            load.affine(prefix + "ffn_down", ff, n),
                            load.norm(prefix + "layer_output_norm", n)});
    }
}

Embedder::~Embedder() = default;

std::vector<std::vector<float>> Embedder::embed(std::span<const std::vector<std::int32_t>> inputs)
{
    std::vector<std::vector<float>> result;
    result.reserve(inputs.size());
    for (const std::vector<std::int32_t> &tokens : inputs)
        result.push_back(embedOne(tokens));
    return result;
}

std::vector<float> Embedder::embedOne(std::span<const std::int32_t> tokens)
{
    if (tokens.empty())
        throw Error("cannot embed an input without tokens");
    if (tokens.size() > m_config.contextLength)
        throw Error("an input of " + std::to_string(tokens.size()) + " tokens does not fit the model's " + std::to_string(m_config.contextLength) + " positions");
    const std::size_t rows = tokens.size();
    const std::size_t n = m_config.embedding;
    const Weights &w = *m_weights;
    auto make = [&](std::size_t cols) {
        return m_backend.create(TensorType::F32, rows, cols);
    };
    auto x = make(n);
    auto normed = make(n);
    auto query = make(n);
    auto key = make(n);
    auto value = make(n);
    auto attended = make(n);
    auto delta = make(n);
    auto hidden = make(m_config.feedForward);
    auto affine = [&](const AffineWeights &weights, const Tensor &in, Tensor &out) {
        m_backend.matmul(*weights.weight, in, out);
        m_backend.addBias(out, *weights.bias);
    };
    auto residualNorm = [&](const NormWeights &norm) {
        m_backend.add(*delta, *x);
        m_backend.layerNorm(*delta, *norm.gain, *norm.bias, m_config.layerNormEps, *x);
    };

    std::vector<std::int32_t> positions(rows);
    std::iota(positions.begin(), positions.end(), 0);
    const std::vector<std::int32_t> typeZero(rows, 0);
    m_backend.embed(*w.tokenEmbedding, tokens, *delta);
    m_backend.embed(*w.positionEmbedding, positions, *normed);
    m_backend.add(*delta, *normed);
    m_backend.embed(*w.tokenTypes, typeZero, *normed);
    m_backend.add(*delta, *normed);
    m_backend.layerNorm(*delta, *w.embeddingNorm.gain, *w.embeddingNorm.bias, m_config.layerNormEps, *x);

    // The batch's own keys and values serve as the "cache": every query sees every row.
    const compute::AttentionParams attention = m_config.attentionFor(0);
    for (const EncoderLayer &layer : w.layers) {
        affine(layer.query, *x, *query);
        affine(layer.key, *x, *key);
        affine(layer.value, *x, *value);
        m_backend.attention(*query, *key, *value, m_config.heads, m_config.kvHeads, positions, attention, *attended, nullptr);
        affine(layer.attnOutput, *attended, *delta);
        residualNorm(layer.attnNorm);
        affine(layer.ffnUp, *x, *hidden);
        m_backend.gelu(*hidden);
        affine(layer.ffnDown, *hidden, *delta);
        residualNorm(layer.outputNorm);
    }

    std::vector<float> states(rows * n);
    m_backend.read(*x, 0, rows, states.data());
    std::vector<float> pooled(n, 0.0f);
    if (m_config.pooling == Pooling::Mean) {
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < n; ++c)
                pooled[c] += states[r * n + c] / static_cast<float>(rows);
    } else {
        const std::size_t row = m_config.pooling == Pooling::Cls ? 0 : rows - 1;
        pooled.assign(states.begin() + static_cast<std::ptrdiff_t>(row * n), states.begin() + static_cast<std::ptrdiff_t>((row + 1) * n));
    }
    double sumSquares = 0.0;
    for (float value : pooled)
        sumSquares += static_cast<double>(value) * value;
    const float inverse = sumSquares > 0.0 ? static_cast<float>(1.0 / std::sqrt(sumSquares)) : 0.0f;
    for (float &value : pooled)
        value *= inverse;
    return pooled;
}

} // namespace glassbox::model
