#include "CpuBackend.h"

#include "compute/cpu/ActivationQuant.h"
#include "compute/cpu/CpuKernels.h"
#include "compute/cpu/GgmlAttention.h"
#include "compute/cpu/HalfFloats.h"
#include "compute/cpu/Matmul.h"
#include "compute/cpu/VecDot.h"
#include "gguf/GgufFile.h"
#include "quant/Dequantize.h"
#include "quant/Half.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace glassbox::compute
{

using gguf::TensorType;

namespace
{

// Host memory: either a view of a weight inside the mapped file (read-only) or an owned,
// zero-initialized buffer for activations and caches.
class CpuTensor final : public Tensor
{
public:
    CpuTensor(TensorType type, std::size_t rows, std::size_t cols, std::size_t rowBytes, const std::uint8_t *view)
        : Tensor(type, rows, cols)
        , m_rowBytes(rowBytes)
        , m_data(view)
    {
    }
    CpuTensor(TensorType type, std::size_t rows, std::size_t cols, std::size_t rowBytes)
        : Tensor(type, rows, cols)
        , m_rowBytes(rowBytes)
        , m_owned((rows * rowBytes + sizeof(float) - 1) / sizeof(float), 0.0f)
        , m_data(reinterpret_cast<const std::uint8_t *>(m_owned.data()))
        , m_writable(true)
    {
    }

    std::size_t rowBytes() const
    {
        return m_rowBytes;
    }
    const std::uint8_t *row(std::size_t r) const
    {
        return m_data + r * m_rowBytes;
    }
    std::uint8_t *row(std::size_t r)
    {
        if (!m_writable)
            throw std::logic_error("CpuBackend: a weight tensor is read-only");
        return reinterpret_cast<std::uint8_t *>(m_owned.data()) + r * m_rowBytes;
    }
    const float *floats(std::size_t r) const
    {
        return reinterpret_cast<const float *>(row(r));
    }
    float *floats(std::size_t r)
    {
        return reinterpret_cast<float *>(row(r));
    }

private:
    std::size_t m_rowBytes;
    std::vector<float> m_owned; // float elements keep every row of F32 or F16 data aligned
    const std::uint8_t *m_data;
    bool m_writable = false;
};

const CpuTensor &cpu(const Tensor &tensor)
{
    if (const auto *result = dynamic_cast<const CpuTensor *>(&tensor))
        return *result;
    throw std::logic_error("CpuBackend: the tensor belongs to another backend");
}

CpuTensor &cpu(Tensor &tensor)
{
    return const_cast<CpuTensor &>(cpu(static_cast<const Tensor &>(tensor)));
}

// Shape mismatches are bugs in the model code, not user errors.
void require(bool condition, const char *what)
{
    if (!condition)
        throw std::logic_error(std::string("CpuBackend: bad tensor shapes for ") + what);
}

// The row as floats: in place for F32, otherwise expanded into `buffer` (of cols floats).
const float *floatRow(const CpuTensor &tensor, std::size_t r, float *buffer)
{
    if (tensor.type() == TensorType::F32)
        return tensor.floats(r);
    quant::dequantizeRow(tensor.type(), tensor.row(r), buffer, static_cast<std::int64_t>(tensor.cols()));
    return buffer;
}

// `count` elements of row r from column `col` of a cache tensor (F32, F16, or Q8_0 from and for
// whole blocks), as floats.
const float *floatSlice(const CpuTensor &tensor, std::size_t r, std::size_t col, std::size_t count, float *buffer)
{
    switch (tensor.type()) {
    case TensorType::F32:
        return tensor.floats(r) + col;
    case TensorType::F16:
        halvesToFloats(tensor.row(r) + col * sizeof(std::uint16_t), buffer, count);
        return buffer;
    default:
        require(tensor.type() == TensorType::Q8_0 && col % quant::kQK == 0 && count % quant::kQK == 0, "a cache slice");
        quant::dequantizeRow(TensorType::Q8_0, tensor.row(r) + col / quant::kQK * sizeof(quant::BlockQ8_0), buffer, static_cast<std::int64_t>(count));
        return buffer;
    }
}

void requireF32(const CpuTensor &tensor, const char *what)
{
    require(tensor.type() == TensorType::F32, what);
}

} // namespace

CpuBackend::CpuBackend(unsigned threadCount)
    : m_pool(threadCount)
{
}

bool CpuBackend::supportsWeightType(TensorType type) const
{
    return quant::isSupportedWeightType(type);
}

std::unique_ptr<Tensor> CpuBackend::weight(const gguf::TensorInfo &info)
{
    if (info.dims.empty() || info.dims.size() > 2)
        throw Error("tensor " + info.name + " has " + std::to_string(info.dims.size()) + " dimensions, the CPU backend expects 1 or 2");
    const std::size_t cols = info.rowLength();
    const std::size_t rows = info.rowCount();
    const std::size_t bytes = quant::rowBytes(info.type, static_cast<std::int64_t>(cols));
    if (bytes * rows > info.byteSize)
        throw Error("tensor " + info.name + " is shorter than its shape says");
    return std::make_unique<CpuTensor>(info.type, rows, cols, bytes, info.data);
}

std::unique_ptr<Tensor> CpuBackend::create(TensorType type, std::size_t rows, std::size_t cols)
{
    if (type != TensorType::F32 && type != TensorType::F16 && !(type == TensorType::Q8_0 && cols % quant::kQK == 0))
        throw std::logic_error("CpuBackend: working tensors are F32 or F16, or Q8_0 of whole blocks");
    return std::make_unique<CpuTensor>(type, rows, cols, quant::rowBytes(type, static_cast<std::int64_t>(cols)));
}

void CpuBackend::read(const Tensor &tensor, std::size_t firstRow, std::size_t count, float *out)
{
    const CpuTensor &t = cpu(tensor);
    requireF32(t, "read");
    require(firstRow + count <= t.rows(), "read");
    if (count > 0)
        std::memcpy(out, t.floats(firstRow), count * t.cols() * sizeof(float));
}

void CpuBackend::write(Tensor &tensor, std::size_t firstRow, std::size_t count, const float *values)
{
    CpuTensor &t = cpu(tensor);
    requireF32(t, "write");
    require(firstRow + count <= t.rows(), "write");
    if (count > 0)
        std::memcpy(t.floats(firstRow), values, count * t.cols() * sizeof(float));
}

void CpuBackend::embed(const Tensor &tableTensor, std::span<const std::int32_t> tokens, Tensor &outTensor)
{
    const CpuTensor &table = cpu(tableTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(out, "embed");
    require(out.rows() == tokens.size() && out.cols() == table.cols(), "embed");
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i] < 0 || static_cast<std::size_t>(tokens[i]) >= table.rows())
            throw Error("token id " + std::to_string(tokens[i]) + " is outside the vocabulary of " + std::to_string(table.rows()));
        quant::dequantizeRow(table.type(), table.row(static_cast<std::size_t>(tokens[i])), out.floats(i), static_cast<std::int64_t>(out.cols()));
    }
}

void CpuBackend::rmsNorm(const Tensor &xTensor, const Tensor &gainTensor, float eps, Tensor &outTensor)
{
    const CpuTensor &x = cpu(xTensor);
    const CpuTensor &gain = cpu(gainTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(x, "rmsNorm");
    requireF32(gain, "rmsNorm");
    requireF32(out, "rmsNorm");
    require(gain.rows() == 1 && gain.cols() == x.cols() && out.rows() == x.rows() && out.cols() == x.cols(), "rmsNorm");
    for (std::size_t r = 0; r < x.rows(); ++r)
        kernels::rmsNorm(x.floats(r), gain.floats(0), eps, out.floats(r), x.cols());
}

void CpuBackend::matmul(const Tensor &weightTensor, const Tensor &xTensor, Tensor &outTensor)
{
    const CpuTensor &w = cpu(weightTensor);
    const CpuTensor &x = cpu(xTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(x, "matmul");
    requireF32(out, "matmul");
    require(w.cols() == x.cols() && w.rows() == out.cols() && x.rows() == out.rows(), "matmul");
    compute::matmul(m_pool,
                    vecDotFor(w.type(), w.rows()),
                    w.row(0),
                    quant::rowBytes(w.type(), static_cast<std::int64_t>(w.cols())),
                    w.rows(),
                    x.floats(0),
                    x.rows(),
                    x.cols(),
                    out.floats(0));
}

void CpuBackend::rope(Tensor &xTensor, std::size_t heads, std::span<const std::int32_t> positions, const RopeParams &params)
{
    CpuTensor &x = cpu(xTensor);
    requireF32(x, "rope");
    require(heads > 0 && x.cols() % heads == 0 && positions.size() == x.rows(), "rope");
    const std::size_t headDim = x.cols() / heads;
    require(params.dims <= headDim, "rope");
    for (std::size_t r = 0; r < x.rows(); ++r)
        for (std::size_t h = 0; h < heads; ++h)
            (params.neox ? kernels::ropeNeox : kernels::rope)(x.floats(r) + h * headDim, params.dims, positions[r], params.freqBase, params.freqScale);
}

void CpuBackend::copyRows(const Tensor &srcTensor, std::size_t srcRow, Tensor &dstTensor, std::size_t dstRow, std::size_t count)
{
    const CpuTensor &src = cpu(srcTensor);
    CpuTensor &dst = cpu(dstTensor);
    require(src.cols() == dst.cols() && srcRow + count <= src.rows() && dstRow + count <= dst.rows(), "copyRows");
    std::vector<float> buffer(src.cols());
    for (std::size_t i = 0; i < count; ++i) {
        if (src.type() == dst.type()) {
            std::memcpy(dst.row(dstRow + i), src.row(srcRow + i), dst.rowBytes());
            continue;
        }
        const float *values = floatRow(src, srcRow + i, buffer.data());
        switch (dst.type()) {
        case TensorType::F32:
            std::memcpy(dst.floats(dstRow + i), values, dst.cols() * sizeof(float));
            break;
        case TensorType::F16: {
            std::uint8_t *halves = dst.row(dstRow + i);
            for (std::size_t c = 0; c < dst.cols(); ++c) {
                const std::uint16_t half = quant::floatToHalf(values[c]);
                std::memcpy(halves + 2 * c, &half, sizeof half);
            }
            break;
        }
        default:
            // Rounded as the 8-bit activations are, so the GPU reproduces it (quantize_input.comp).
            quantizeActivationsQ8_0(values, reinterpret_cast<quant::BlockQ8_0 *>(dst.row(dstRow + i)), dst.cols());
            break;
        }
    }
}

void CpuBackend::attention(const Tensor &qTensor,
                           const Tensor &kTensor,
                           const Tensor &vTensor,
                           std::size_t heads,
                           std::size_t kvHeads,
                           std::span<const std::int32_t> positions,
                           const AttentionParams &params,
                           Tensor &outTensor,
                           const AttentionProbabilities *probabilities)
{
    const CpuTensor &q = cpu(qTensor);
    const CpuTensor &kCache = cpu(kTensor);
    const CpuTensor &vCache = cpu(vTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(q, "attention");
    requireF32(out, "attention");
    require(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && q.cols() % heads == 0, "attention");
    const std::size_t headDim = q.cols() / heads;
    require(kCache.cols() == kvHeads * headDim && vCache.cols() == kCache.cols() && vCache.rows() == kCache.rows(), "attention");
    require(out.rows() == q.rows() && out.cols() == q.cols() && positions.size() == q.rows(), "attention");
    for (std::int32_t position : positions)
        require(position >= 0 && static_cast<std::size_t>(position) < kCache.rows(), "attention");
    // slot[h]: where query head h goes among the captured heads; -1 when it is not captured.
    std::vector<std::ptrdiff_t> slot;
    CpuTensor *captured = nullptr;
    if (probabilities) {
        captured = &cpu(*probabilities->out);
        requireF32(*captured, "attention");
        require(captured->rows() == q.rows() * probabilities->heads.size(), "attention");
        slot.assign(heads, -1);
        for (std::size_t j = 0; j < probabilities->heads.size(); ++j) {
            require(probabilities->heads[j] < heads, "attention");
            slot[probabilities->heads[j]] = static_cast<std::ptrdiff_t>(j);
        }
        std::size_t keys = params.causal ? 0 : kCache.rows();
        for (std::int32_t position : positions)
            keys = std::max(keys, static_cast<std::size_t>(position) + 1);
        require(captured->cols() >= keys, "attention");
    }

    const std::size_t group = heads / kvHeads;
    // Capturing is a template argument, so that without a capture the loop compiles as if the
    // capture did not exist.
    const auto work = [&](auto capturing) {
        m_pool.parallelFor(q.rows() * heads, 1, [&](std::size_t begin, std::size_t end) {
            ggml::AttentionScratch scratch;
            std::vector<float> keyBuffer(headDim);
            std::vector<float> valueBuffer(headDim);
            for (std::size_t task = begin; task < end; ++task) {
                const std::size_t r = task / heads;
                const std::size_t h = task % heads;
                const std::size_t kvCol = h / group * headDim;
                // Cache rows [first, end) are visible to this query.
                const std::size_t end = params.causal ? static_cast<std::size_t>(positions[r]) + 1 : kCache.rows();
                const std::size_t first = params.causal && params.window > 0 && end > params.window ? end - params.window : 0;
                const ggml::AttentionHead head{
                    .headDim = headDim,
                    .first = first,
                    .end = end,
                    .scale = params.scale,
                    .softcap = params.softcap,
                    .scaleQuery = params.scaleQuery,
                    .halfKeys = kCache.type() == TensorType::F16,
                    .halfValues = vCache.type() == TensorType::F16,
                    .batch = q.rows() > 1,
                };
                const std::span<const float> scores = scratch.probabilities(q.floats(r) + h * headDim, head, [&](std::size_t t) {
                    return floatSlice(kCache, t, kvCol, headDim, keyBuffer.data());
                });
                if constexpr (decltype(capturing)::value) {
                    if (slot[h] >= 0) {
                        float *row = captured->floats(r * probabilities->heads.size() + static_cast<std::size_t>(slot[h]));
                        std::fill(row, row + captured->cols(), 0.0f);
                        std::copy(scores.begin(), scores.end(), row + first);
                    }
                }
                scratch.weightedValues(
                    head,
                    [&](std::size_t t) {
                        return floatSlice(vCache, t, kvCol, headDim, valueBuffer.data());
                    },
                    out.floats(r) + h * headDim);
            }
        });
    };
    if (captured)
        work(std::true_type{});
    else
        work(std::false_type{});
}

void CpuBackend::swiglu(Tensor &gateTensor, const Tensor &upTensor)
{
    CpuTensor &gate = cpu(gateTensor);
    const CpuTensor &up = cpu(upTensor);
    requireF32(gate, "swiglu");
    requireF32(up, "swiglu");
    require(gate.rows() == up.rows() && gate.cols() == up.cols(), "swiglu");
    for (std::size_t r = 0; r < gate.rows(); ++r)
        kernels::swiglu(gate.floats(r), up.floats(r), gate.cols());
}

void CpuBackend::add(Tensor &xTensor, const Tensor &yTensor)
{
    CpuTensor &x = cpu(xTensor);
    const CpuTensor &y = cpu(yTensor);
    requireF32(x, "add");
    requireF32(y, "add");
    require(x.rows() == y.rows() && x.cols() == y.cols(), "add");
    for (std::size_t r = 0; r < x.rows(); ++r)
        kernels::add(x.floats(r), y.floats(r), x.cols());
}

void CpuBackend::layerNorm(const Tensor &xTensor, const Tensor &gainTensor, const Tensor &biasTensor, float eps, Tensor &outTensor)
{
    const CpuTensor &x = cpu(xTensor);
    const CpuTensor &gain = cpu(gainTensor);
    const CpuTensor &bias = cpu(biasTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(x, "layerNorm");
    requireF32(gain, "layerNorm");
    requireF32(bias, "layerNorm");
    requireF32(out, "layerNorm");
    require(gain.rows() == 1 && gain.cols() == x.cols() && bias.rows() == 1 && bias.cols() == x.cols(), "layerNorm");
    require(out.rows() == x.rows() && out.cols() == x.cols(), "layerNorm");
    for (std::size_t r = 0; r < x.rows(); ++r)
        kernels::layerNorm(x.floats(r), gain.floats(0), bias.floats(0), eps, out.floats(r), x.cols());
}

void CpuBackend::headRmsNorm(Tensor &xTensor, std::size_t heads, const Tensor &gainTensor, float eps)
{
    CpuTensor &x = cpu(xTensor);
    const CpuTensor &gain = cpu(gainTensor);
    requireF32(x, "headRmsNorm");
    requireF32(gain, "headRmsNorm");
    require(heads > 0 && x.cols() % heads == 0 && gain.rows() == 1 && gain.cols() == x.cols() / heads, "headRmsNorm");
    const std::size_t headDim = gain.cols();
    for (std::size_t r = 0; r < x.rows(); ++r)
        for (std::size_t h = 0; h < heads; ++h) {
            float *head = x.floats(r) + h * headDim;
            kernels::rmsNorm(head, gain.floats(0), eps, head, headDim);
        }
}

void CpuBackend::addBias(Tensor &xTensor, const Tensor &biasTensor)
{
    CpuTensor &x = cpu(xTensor);
    const CpuTensor &bias = cpu(biasTensor);
    requireF32(x, "addBias");
    requireF32(bias, "addBias");
    require(bias.rows() == 1 && bias.cols() == x.cols(), "addBias");
    for (std::size_t r = 0; r < x.rows(); ++r)
        kernels::add(x.floats(r), bias.floats(0), x.cols());
}

void CpuBackend::scale(Tensor &xTensor, float factor)
{
    CpuTensor &x = cpu(xTensor);
    requireF32(x, "scale");
    for (std::size_t r = 0; r < x.rows(); ++r)
        for (std::size_t c = 0; c < x.cols(); ++c)
            x.floats(r)[c] *= factor;
}

void CpuBackend::softcap(Tensor &xTensor, float cap)
{
    CpuTensor &x = cpu(xTensor);
    requireF32(x, "softcap");
    require(cap > 0.0f, "softcap");
    for (std::size_t r = 0; r < x.rows(); ++r)
        for (std::size_t c = 0; c < x.cols(); ++c)
            x.floats(r)[c] = cap * std::tanh(x.floats(r)[c] / cap);
}

void CpuBackend::gelu(Tensor &xTensor)
{
    CpuTensor &x = cpu(xTensor);
    requireF32(x, "gelu");
    for (std::size_t r = 0; r < x.rows(); ++r)
        for (std::size_t c = 0; c < x.cols(); ++c)
            x.floats(r)[c] = kernels::gelu(x.floats(r)[c]);
}

void CpuBackend::geglu(Tensor &gateTensor, const Tensor &upTensor)
{
    CpuTensor &gate = cpu(gateTensor);
    const CpuTensor &up = cpu(upTensor);
    requireF32(gate, "geglu");
    requireF32(up, "geglu");
    require(gate.rows() == up.rows() && gate.cols() == up.cols(), "geglu");
    for (std::size_t r = 0; r < gate.rows(); ++r)
        for (std::size_t c = 0; c < gate.cols(); ++c)
            gate.floats(r)[c] = kernels::gelu(gate.floats(r)[c]) * up.floats(r)[c];
}

void CpuBackend::sliceColumns(const Tensor &srcTensor, std::size_t firstCol, Tensor &outTensor)
{
    const CpuTensor &src = cpu(srcTensor);
    CpuTensor &out = cpu(outTensor);
    requireF32(src, "sliceColumns");
    requireF32(out, "sliceColumns");
    require(src.rows() == out.rows() && firstCol + out.cols() <= src.cols(), "sliceColumns");
    for (std::size_t r = 0; r < src.rows(); ++r)
        std::memcpy(out.floats(r), src.floats(r) + firstCol, out.cols() * sizeof(float));
}

} // namespace glassbox::compute
