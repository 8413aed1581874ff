#pragma once

#include "gguf/TensorType.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace glassbox::gguf
{
struct TensorInfo;
}

namespace glassbox::compute
{

// A matrix of `rows` rows of `cols` elements each, stored where its backend keeps it (host memory
// for the CPU, a device buffer for Vulkan). Model code only holds tensors and hands them back to
// the backend that made them; it never looks inside.
class Tensor
{
public:
    virtual ~Tensor() = default;
    gguf::TensorType type() const
    {
        return m_type;
    }
    std::size_t rows() const
    {
        return m_rows;
    }
    std::size_t cols() const
    {
        return m_cols;
    }

protected:
    Tensor(gguf::TensorType type, std::size_t rows, std::size_t cols)
        : m_type(type)
        , m_rows(rows)
        , m_cols(cols)
    {
    }

private:
    gguf::TensorType m_type;
    std::size_t m_rows;
    std::size_t m_cols;
};

// Rotary position embedding: pair i of the first `dims` elements of each head turns by
// pos * freqScale * base^(-2i/dims). llama.cpp's "normal" mode pairs adjacent elements
// (x[2i], x[2i+1]); its NeoX mode (Qwen2, Gemma, Phi-3) pairs the two halves (x[i], x[i + dims/2]).
struct RopeParams {
    std::size_t dims = 0;
    float freqBase = 10000.0f;
    float freqScale = 1.0f;
    bool neox = false;
};

// Gemma 3's RMSNorm of every query and key head before RoPE: headRmsNorm with these gains.
struct HeadNorms {
    const Tensor *query = nullptr;
    const Tensor *key = nullptr;
    float eps = 0.0f;
};

// How queries see the keys: scaled dot products, optionally squashed by cap * tanh(score / cap)
// (Gemma 2), limited to the last `window` positions (sliding-window layers) and, for encoders,
// not causal: every query sees every key row.
struct AttentionParams {
    float scale = 1.0f;
    float softcap = 0.0f; // 0: none
    // Scale the query rather than Q·K, as llama.cpp does for Gemma: an F16 K cache then rounds the
    // scaled query to F16, which differs where it falls into F16's subnormals.
    bool scaleQuery = false;
    std::size_t window = 0; // 0: unlimited
    bool causal = true;
};

// Where attention() also leaves the softmax probabilities of some (distinct) query heads, for inspection.
// Row i * heads.size() + j of `out` (an F32 tensor of q.rows * heads.size() rows) holds query row
// i's probabilities for query head heads[j] over cache rows 0 .. out.cols - 1, zero where masked;
// out.cols must cover every cache row the queries see.
struct AttentionProbabilities {
    std::span<const std::size_t> heads;
    Tensor *out = nullptr;
};

// The input that products share: x, normalized on the way (RMSNorm with gain and eps) into
// `normed`, which the products then take as their x. A backend may round x for the weights in the
// same pass (Vulkan does, sparing the norm its own dispatch); normed is written all the same.
struct NormedInput {
    const Tensor *x = nullptr;
    const Tensor *gain = nullptr;
    float eps = 0.0f;
    Tensor *normed = nullptr;
};

// One product of a shared input, for ComputeBackend::matmuls.
struct MatmulTarget {
    const Tensor *weight = nullptr;
    Tensor *out = nullptr;
};

// The activation of a gated feed-forward: silu(gate) * up (SwiGLU) or gelu(gate) * up (GeGLU).
enum class GateActivation { Silu, Gelu };

// The operations one transformer forward pass needs. Activations are F32 tensors with one row per
// token of the batch; weights keep their file type. Every op writes its output tensor completely,
// and its sizes must match (the model code checks shapes once, at load time).
class ComputeBackend
{
public:
    virtual ~ComputeBackend() = default;

    virtual std::string_view name() const = 0;
    // Whether weights of this type can be used by matmul() and embed().
    virtual bool supportsWeightType(gguf::TensorType type) const = 0;

    // A weight tensor from a GGUF file; the file must outlive the tensor (the CPU reads it in place).
    virtual std::unique_ptr<Tensor> weight(const gguf::TensorInfo &info) = 0;
    // A zero-filled tensor; `type` is F32, or F16 for caches.
    virtual std::unique_ptr<Tensor> create(gguf::TensorType type, std::size_t rows, std::size_t cols) = 0;
    // Copies rows [firstRow, firstRow + count) of an F32 tensor to host memory.
    virtual void read(const Tensor &tensor, std::size_t firstRow, std::size_t count, float *out) = 0;
    // Copies host floats into rows [firstRow, firstRow + count) of an F32 tensor.
    virtual void write(Tensor &tensor, std::size_t firstRow, std::size_t count, const float *values) = 0;

    // out row i = table row tokens[i].
    virtual void embed(const Tensor &table, std::span<const std::int32_t> tokens, Tensor &out) = 0;
    // out = x / sqrt(mean(x²) + eps) * gain, per row; gain is a 1 × cols F32 tensor.
    virtual void rmsNorm(const Tensor &x, const Tensor &gain, float eps, Tensor &out) = 0;
    // out row i = weight · x row i (weight has out.cols rows of x.cols elements).
    virtual void matmul(const Tensor &weight, const Tensor &x, Tensor &out) = 0;
    // In place on each row of x, seen as heads of cols / heads elements; row i is at positions[i].
    virtual void rope(Tensor &x, std::size_t heads, std::span<const std::int32_t> positions, const RopeParams &params) = 0;
    // dst rows [dstRow, dstRow + count) = src rows [srcRow, srcRow + count), converting the type.
    virtual void copyRows(const Tensor &src, std::size_t srcRow, Tensor &dst, std::size_t dstRow, std::size_t count) = 0;
    // Multi-head attention with grouped KV heads: query row i (at positions[i]) attends to cache
    // rows 0..positions[i] when causal (the last params.window of them when that is set), or to
    // every cache row when not. q has heads × headDim columns, the caches kvHeads × headDim.
    // out has the layout of q. `probabilities` is null unless an inspector asked for them.
    virtual void attention(const Tensor &q,
                           const Tensor &kCache,
                           const Tensor &vCache,
                           std::size_t heads,
                           std::size_t kvHeads,
                           std::span<const std::int32_t> positions,
                           const AttentionParams &params,
                           Tensor &out,
                           const AttentionProbabilities *probabilities) = 0;
    // gate = silu(gate) * up, element-wise.
    virtual void swiglu(Tensor &gate, const Tensor &up) = 0;
    // x += y, element-wise.
    virtual void add(Tensor &x, const Tensor &y) = 0;

    // The ops of architectures other than llama.
    // out = (x - mean(x)) / sqrt(var(x) + eps) * gain + bias, per row; gain and bias are 1 × cols.
    virtual void layerNorm(const Tensor &x, const Tensor &gain, const Tensor &bias, float eps, Tensor &out) = 0;
    // In place, RMSNorm of each head (cols / heads elements) of every row; gain is 1 × headDim.
    virtual void headRmsNorm(Tensor &x, std::size_t heads, const Tensor &gain, float eps) = 0;
    // x row i += bias, for every row; bias is 1 × cols.
    virtual void addBias(Tensor &x, const Tensor &bias) = 0;
    // x *= factor, element-wise.
    virtual void scale(Tensor &x, float factor) = 0;
    // x = cap * tanh(x / cap), element-wise.
    virtual void softcap(Tensor &x, float cap) = 0;
    // x = gelu(x) (tanh approximation), element-wise.
    virtual void gelu(Tensor &x) = 0;
    // gate = gelu(gate) * up, element-wise.
    virtual void geglu(Tensor &gate, const Tensor &up) = 0;
    // out = columns [firstCol, firstCol + out.cols) of src, for every row (splits fused projections).
    virtual void sliceColumns(const Tensor &src, std::size_t firstCol, Tensor &out) = 0;

    // Fused ops: each is defined by the plain ops above, and the defaults (ComputeBackend.cpp) run
    // exactly those, so a backend overrides one only to save passes over memory or dispatches
    // (every dispatch is expensive on a GPU driver that runs on the CPU, such as lavapipe).
    // input.normed = rmsNorm(input.x), then target.out = target.weight · input.normed for every
    // target (Q, K and V of one normalized input).
    virtual void matmuls(const NormedInput &input, std::span<const MatmulTarget> targets);
    // accumulator += weight · x (a projection straight into the residual stream).
    virtual void matmulAdd(const Tensor &weight, const Tensor &x, Tensor &accumulator);
    // input.normed = rmsNorm(input.x), then accumulator += input.normed (Gemma's post-norms, which
    // normalize a block's output on its way into the residual stream).
    virtual void addNormalized(const NormedInput &input, Tensor &accumulator);
    // input.normed = rmsNorm(input.x), then out = activation(gate · input.normed) * (up · input.normed).
    virtual void gatedMatmul(const Tensor &gate, const Tensor &up, const NormedInput &input, GateActivation activation, Tensor &out);
    // headRmsNorm(q) and headRmsNorm(k) when `norms` is set, rope(q), rope(k), then k and v into
    // rows [cacheRow, cacheRow + k.rows) of the caches.
    virtual void ropeAndStore(Tensor &q,
                              Tensor &k,
                              const Tensor &v,
                              std::size_t heads,
                              std::size_t kvHeads,
                              std::span<const std::int32_t> positions,
                              const RopeParams &params,
                              Tensor &kCache,
                              Tensor &vCache,
                              std::size_t cacheRow,
                              const HeadNorms *norms);
};

} // namespace glassbox::compute
