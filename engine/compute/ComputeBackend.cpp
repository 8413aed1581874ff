#include "ComputeBackend.h"

namespace glassbox::compute
{

void ComputeBackend::matmuls(const NormedInput &input, std::span<const MatmulTarget> targets)
{
    rmsNorm(*input.x, *input.gain, input.eps, *input.normed);
    for (const MatmulTarget &target : targets)
        matmul(*target.weight, *input.normed, *target.out);
}

void ComputeBackend::matmulAdd(const Tensor &weight, const Tensor &x, Tensor &accumulator)
{
    const auto product = create(gguf::TensorType::F32, accumulator.rows(), accumulator.cols());
    matmul(weight, x, *product);
    add(accumulator, *product);
}

void ComputeBackend::addNormalized(const NormedInput &input, Tensor &accumulator)
{
    rmsNorm(*input.x, *input.gain, input.eps, *input.normed);
    add(accumulator, *input.normed);
}

void ComputeBackend::gatedMatmul(const Tensor &gate, const Tensor &up, const NormedInput &input, GateActivation activation, Tensor &out)
{
    rmsNorm(*input.x, *input.gain, input.eps, *input.normed);
    const auto upProduct = create(gguf::TensorType::F32, out.rows(), out.cols());
    matmul(gate, *input.normed, out);
    matmul(up, *input.normed, *upProduct);
    if (activation == GateActivation::Gelu)
        geglu(out, *upProduct);
    else
        swiglu(out, *upProduct);
}

void ComputeBackend::ropeAndStore(Tensor &q,
                                  Tensor &k,
                                  const Tensor &v,
                                  std::size_t heads,
                                  std::size_t kvHeads,
                                  std::span<const std::int32_t> positions,
                                  const RopeParams &params,
                                  Tensor &kCache,
                                  Tensor &vCache,
                                  std::size_t cacheRow,
                                  const HeadNorms *norms)
{
    if (norms) {
        headRmsNorm(q, heads, *norms->query, norms->eps);
        headRmsNorm(k, kvHeads, *norms->key, norms->eps);
    }
    rope(q, heads, positions, params);
    rope(k, kvHeads, positions, params);
    copyRows(k, 0, kCache, cacheRow, k.rows());
    copyRows(v, 0, vCache, cacheRow, v.rows());
}

} // namespace glassbox::compute
