#pragma once

#include "compute/ComputeBackend.h"
#include "compute/cpu/ThreadPool.h"

namespace glassbox::compute
{

// The reference backend: plain loops over host memory, split across a thread pool by rows (or by
// query heads for attention). Weights are read in place from the mapped GGUF file; quantized rows
// are expanded to floats one at a time, right before they are used.
class CpuBackend final : public ComputeBackend
{
public:
    // threadCount 0 means one per hardware thread.
    explicit CpuBackend(unsigned threadCount = 0);

    std::string_view name() const override
    {
        return "cpu";
    }
    bool supportsWeightType(gguf::TensorType type) const override;

    std::unique_ptr<Tensor> weight(const gguf::TensorInfo &info) override;
    std::unique_ptr<Tensor> create(gguf::TensorType type, std::size_t rows, std::size_t cols) override;
    void read(const Tensor &tensor, std::size_t firstRow, std::size_t count, float *out) override;
    void write(Tensor &tensor, std::size_t firstRow, std::size_t count, const float *values) override;

    void embed(const Tensor &table, std::span<const std::int32_t> tokens, Tensor &out) override;
    void rmsNorm(const Tensor &x, const Tensor &gain, float eps, Tensor &out) override;
    void matmul(const Tensor &weight, const Tensor &x, Tensor &out) override;
    void rope(Tensor &x, std::size_t heads, std::span<const std::int32_t> positions, const RopeParams &params) override;
    void copyRows(const Tensor &src, std::size_t srcRow, Tensor &dst, std::size_t dstRow, std::size_t count) override;
    void attention(const Tensor &q,
                   const Tensor &kCache,
                   const Tensor &vCache,
                   std::size_t heads,
                   std::size_t kvHeads,
                   std::span<const std::int32_t> positions,
                   const AttentionParams &params,
                   Tensor &out,
                   const AttentionProbabilities *probabilities) override;
    void swiglu(Tensor &gate, const Tensor &up) override;
    void add(Tensor &x, const Tensor &y) override;

    void layerNorm(const Tensor &x, const Tensor &gain, const Tensor &bias, float eps, Tensor &out) override;
    void headRmsNorm(Tensor &x, std::size_t heads, const Tensor &gain, float eps) override;
    void addBias(Tensor &x, const Tensor &bias) override;
    void scale(Tensor &x, float factor) override;
    void softcap(Tensor &x, float cap) override;
    void gelu(Tensor &x) override;
    void geglu(Tensor &gate, const Tensor &up) override;
    void sliceColumns(const Tensor &src, std::size_t firstCol, Tensor &out) override;

private:
    ThreadPool m_pool;
};

} // namespace glassbox::compute
