#include "VulkanBackend.h"

#include "Transfer.h"
#include "compute/cpu/CpuKernels.h"
#include "quant/BlockLayouts.h"
#include "quant/Half.h"
#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

// The per-row and element-wise ops: norms, rope, row copies and conversions, column slices and the
// element-wise activations. The math follows the CPU backend (CpuKernels.cpp); the shaders say where
// they round like it and where they cannot.
namespace glassbox::vulkan
{

using compute::Tensor;
using gguf::TensorType;

namespace
{

// The kOp constants of shaders/elementwise.comp.
enum ElementwiseOp : std::uint32_t {
    kAdd = 0,
    kAddBias = 1,
    kScale = 2,
    kSoftcap = 3,
    kGelu = 4,
    kSwiglu = 5,
    kGeglu = 6,
};

// The workgroup sizes the shaders declare (their specialization constant 0 keeps its default).
constexpr std::size_t kElementGroup = 256; // elementwise, copy_rows, slice_columns
constexpr std::size_t kRopeGroup = 64;

// Push constant blocks, member for member as the shaders declare them.
struct NormPush {
    std::uint32_t columns;
    float eps;
};
struct ElementwisePush {
    std::uint32_t count;
    std::uint32_t columns;
    float value;
};
struct RopePush {
    std::uint32_t rows;
    std::uint32_t heads;
    std::uint32_t headDim;
    std::uint32_t pairs;
    std::uint32_t neox;
    std::uint32_t kvHeads; // rope_store only, as cacheStart and eps
    std::uint32_t cacheStart;
    float eps;
};
struct CopyRowsPush {
    std::uint32_t count;
    std::uint32_t sourceOffset;
    std::uint32_t targetOffset;
};
struct SlicePush {
    std::uint32_t count;
    std::uint32_t columns;
    std::uint32_t sourceColumns;
    std::uint32_t firstColumn;
};

// Shape mismatches are bugs in the model code, not user errors.
void require(bool condition, const char *op)
{
    if (!condition)
        throw std::logic_error(std::string("VulkanBackend: bad tensor shapes for ") + op);
}

void requireF32(const Tensor &tensor, const char *op)
{
    require(tensor.type() == TensorType::F32, op);
}

// Shaders index with 32-bit integers; a binding holds far fewer elements, so this only trips on bugs.
std::uint32_t u32(std::size_t value)
{
    if (value > std::numeric_limits<std::uint32_t>::max())
        throw std::logic_error("VulkanBackend: an index does not fit 32 bits");
    return static_cast<std::uint32_t>(value);
}

std::size_t groupCount(std::size_t invocations, std::size_t groupSize)
{
    return (invocations + groupSize - 1) / groupSize;
}

// Descriptor offsets must be multiples of the device's alignment, and shaders address words.
std::size_t bindingAlignment(const Buffer &buffer)
{
    return std::lcm<std::size_t>(std::max<VkDeviceSize>(buffer.bindingAlignment(), 1), 4);
}

// The norm shaders take one workgroup per row, with the row as gl_WorkGroupID.x. Batches can have
// more rows than the device allows workgroups along x (headRmsNorm: tokens × heads), so they run
// in chunks, each binding its rows at an aligned offset; record(offset, bytes, rows) records one.
template<class Record>
void forRowChunks(const VulkanContext &context, const Buffer &buffer, std::size_t rows, std::size_t rowBytes, Record record)
{
    const std::size_t alignment = bindingAlignment(buffer);
    const std::size_t rowStep = alignment / std::gcd(alignment, rowBytes);
    const std::size_t limit = context.info().maxComputeWorkGroupCount[0] / rowStep * rowStep;
    for (std::size_t first = 0; first < rows; first += limit) {
        const std::size_t count = std::min(limit, rows - first);
        record(first * rowBytes, count * rowBytes, u32(count));
    }
}

// Rows [firstRow, firstRow + count) of a tensor as one binding, for tensors larger than one
// descriptor (KV caches): the binding starts at the aligned offset below the first row, and
// `element` is where the first row starts inside it, counted in elements; for Q8_0 in blocks, from
// a pair of blocks (17 words, which the shaders write whole) at the binding's start.
struct RowsBinding {
    BufferRange range;
    std::size_t element;
};

RowsBinding rowsBinding(const VulkanTensor &tensor, std::size_t firstRow, std::size_t count)
{
    const std::size_t begin = firstRow * tensor.rowBytes();
    const std::size_t end = (begin + count * tensor.rowBytes() + 3) / 4 * 4;
    if (tensor.type() == TensorType::Q8_0) {
        const std::size_t step = std::lcm(2 * sizeof(quant::BlockQ8_0), bindingAlignment(tensor.buffer()));
        const std::size_t offset = begin / step * step;
        return {tensor.buffer().range(offset, end - offset), (begin - offset) / sizeof(quant::BlockQ8_0)};
    }
    const std::size_t elementBytes = tensor.type() == TensorType::F16 ? 2 : 4;
    const std::size_t offset = begin - begin % bindingAlignment(tensor.buffer());
    return {tensor.buffer().range(offset, end - offset), (begin - offset) / elementBytes};
}

} // namespace

void VulkanBackend::rmsNorm(const Tensor &x, const Tensor &gain, float eps, Tensor &out)
{
    normalizeRows({&x, &gain, eps, &out}, nullptr);
}

// One dispatch of rms_norm_accumulate where rmsNorm and add take two.
void VulkanBackend::addNormalized(const compute::NormedInput &input, Tensor &accumulator)
{
    normalizeRows(input, &accumulator);
}

// rms_norm over every row of input.x into input.normed, and (rms_norm_accumulate) added into
// `accumulator` when there is one.
void VulkanBackend::normalizeRows(const compute::NormedInput &input, Tensor *accumulator)
{
    const Tensor &x = *input.x;
    requireF32(x, "rmsNorm");
    requireF32(*input.gain, "rmsNorm");
    requireF32(*input.normed, "rmsNorm");
    require(input.gain->rows() == 1 && input.gain->cols() == x.cols() && input.normed->rows() == x.rows() && input.normed->cols() == x.cols(), "rmsNorm");
    if (accumulator) {
        requireF32(*accumulator, "addNormalized");
        require(accumulator->rows() == x.rows() && accumulator->cols() == x.cols(), "addNormalized");
    }
    if (x.rows() == 0 || x.cols() == 0)
        return;
    const VulkanTensor &source = vulkanTensor(x);
    const VulkanTensor &normed = vulkanTensor(*input.normed);
    source.whole(); // throws for a tensor no single binding can hold
    normed.whole();
    const BufferRange gainRange = vulkanTensor(*input.gain).whole();
    const NormPush push{u32(x.cols()), input.eps};
    const ComputePipeline &norm = pipeline(accumulator ? "rms_norm_accumulate" : "rms_norm");
    forRowChunks(m_context, source.buffer(), x.rows(), source.rowBytes(), [&](std::size_t offset, std::size_t bytes, std::uint32_t rows) {
        const BufferRange from = source.buffer().range(offset, bytes);
        const BufferRange to = normed.buffer().range(offset, bytes);
        if (accumulator)
            dispatch(norm, {from, gainRange, to, vulkanTensor(*accumulator).buffer().range(offset, bytes)}, push, {rows, 1, 1});
        else
            dispatch(norm, {from, gainRange, to}, push, {rows, 1, 1});
    });
}

void VulkanBackend::headRmsNorm(Tensor &x, std::size_t heads, const Tensor &gain, float eps)
{
    requireF32(x, "headRmsNorm");
    requireF32(gain, "headRmsNorm");
    require(heads > 0 && x.cols() % heads == 0 && gain.rows() == 1 && gain.cols() == x.cols() / heads, "headRmsNorm");
    if (x.rows() == 0 || x.cols() == 0)
        return;
    // rms_norm over rows of one head each, in place.
    const VulkanTensor &tensor = vulkanTensor(x);
    tensor.whole();
    const ComputePipeline &norm = pipeline("rms_norm");
    const BufferRange gainRange = vulkanTensor(gain).whole();
    const std::size_t headDim = gain.cols();
    forRowChunks(m_context, tensor.buffer(), x.rows() * heads, headDim * sizeof(float), [&](std::size_t offset, std::size_t bytes, std::uint32_t rows) {
        const BufferRange range = tensor.buffer().range(offset, bytes);
        dispatch(norm, {range, gainRange, range}, NormPush{u32(headDim), eps}, {rows, 1, 1});
    });
}

void VulkanBackend::layerNorm(const Tensor &x, const Tensor &gain, const Tensor &bias, float eps, Tensor &out)
{
    requireF32(x, "layerNorm");
    requireF32(gain, "layerNorm");
    requireF32(bias, "layerNorm");
    requireF32(out, "layerNorm");
    require(gain.rows() == 1 && gain.cols() == x.cols() && bias.rows() == 1 && bias.cols() == x.cols(), "layerNorm");
    require(out.rows() == x.rows() && out.cols() == x.cols(), "layerNorm");
    if (x.rows() == 0 || x.cols() == 0)
        return;
    const VulkanTensor &input = vulkanTensor(x);
    VulkanTensor &output = vulkanTensor(out);
    input.whole();
    output.whole();
    const ComputePipeline &norm = pipeline(m_context.info().subgroupArithmetic ? "layer_norm" : "layer_norm_shared");
    const BufferRange gainRange = vulkanTensor(gain).whole();
    const BufferRange biasRange = vulkanTensor(bias).whole();
    forRowChunks(m_context, input.buffer(), x.rows(), input.rowBytes(), [&](std::size_t offset, std::size_t bytes, std::uint32_t rows) {
        dispatch(norm,
                 {input.buffer().range(offset, bytes), gainRange, biasRange, output.buffer().range(offset, bytes)},
                 NormPush{u32(x.cols()), eps},
                 {rows, 1, 1});
    });
}

void VulkanBackend::rope(Tensor &x, std::size_t heads, std::span<const std::int32_t> positions, const compute::RopeParams &params)
{
    requireF32(x, "rope");
    require(heads > 0 && x.cols() % heads == 0 && positions.size() == x.rows(), "rope");
    const std::size_t headDim = x.cols() / heads;
    require(params.dims <= headDim, "rope");
    const std::size_t pairs = params.dims / 2;
    if (x.rows() == 0 || pairs == 0)
        return;
    const ComputePipeline &turn = pipeline("rope");
    const RopePush push{
        .rows = u32(x.rows()),
        .heads = u32(heads),
        .headDim = u32(headDim),
        .pairs = u32(pairs),
        .neox = params.neox ? 1u : 0u,
    };
    dispatch(turn, {vulkanTensor(x).whole(), ropeAngles(positions, params)}, push, groupsFor(groupCount(x.rows() * heads, kRopeGroup)));
}

// One dispatch of rope_store where the plain ops take four (six with head norms): it normalizes and
// turns q and k and writes k and v into the caches. Heads whose cache rows a head's invocation cannot
// write alone (odd sizes for F16, not whole pairs of Q8_0 blocks) take the plain ops.
void VulkanBackend::ropeAndStore(Tensor &q,
                                 Tensor &k,
                                 const Tensor &v,
                                 std::size_t heads,
                                 std::size_t kvHeads,
                                 std::span<const std::int32_t> positions,
                                 const compute::RopeParams &params,
                                 Tensor &kCache,
                                 Tensor &vCache,
                                 std::size_t cacheRow,
                                 const compute::HeadNorms *norms)
{
    const TensorType cacheType = kCache.type();
    const std::size_t headDim = heads > 0 && q.cols() % heads == 0 ? q.cols() / heads : 0;
    const std::size_t headMultiple = cacheType == TensorType::Q8_0 ? 2 * quant::kQK : cacheType == TensorType::F16 ? 2 : 1;
    const bool cacheFormat = cacheType == TensorType::F32 || cacheType == TensorType::F16 || cacheType == TensorType::Q8_0;
    const bool fused = cacheFormat && vCache.type() == cacheType && headDim > 0 && headDim % headMultiple == 0;
    if (!fused) {
        ComputeBackend::ropeAndStore(q, k, v, heads, kvHeads, positions, params, kCache, vCache, cacheRow, norms);
        return;
    }
    requireF32(q, "ropeAndStore");
    requireF32(k, "ropeAndStore");
    requireF32(v, "ropeAndStore");
    if (norms) {
        requireF32(*norms->query, "ropeAndStore");
        requireF32(*norms->key, "ropeAndStore");
        require(norms->query->cols() == headDim && norms->key->cols() == headDim, "ropeAndStore");
    }
    const std::size_t rows = q.rows();
    require(positions.size() == rows && k.rows() == rows && v.rows() == rows && params.dims <= headDim, "ropeAndStore");
    require(k.cols() == kvHeads * headDim && v.cols() == k.cols() && kCache.cols() == k.cols() && vCache.cols() == k.cols(), "ropeAndStore");
    require(cacheRow <= kCache.rows() && rows <= kCache.rows() - cacheRow && vCache.rows() == kCache.rows(), "ropeAndStore");
    if (rows == 0)
        return;
    const RowsBinding keys = rowsBinding(vulkanTensor(kCache), cacheRow, rows);
    const RowsBinding values = rowsBinding(vulkanTensor(vCache), cacheRow, rows);
    // The caches are alike, so their rows start alike in their bindings: at whole words for F16, at
    // whole pairs of blocks for Q8_0.
    require(keys.element == values.element && (cacheType == TensorType::F32 || keys.element % 2 == 0), "ropeAndStore");
    const RopePush push{
        .rows = u32(rows),
        .heads = u32(heads),
        .headDim = u32(headDim),
        .pairs = u32(params.dims / 2),
        .neox = params.neox ? 1u : 0u,
        .kvHeads = u32(kvHeads),
        .cacheStart = u32(keys.element),
        .eps = norms ? norms->eps : 0.0f,
    };
    // rope.comp's CACHE_FORMAT and HEAD_NORMS.
    const std::uint32_t format = cacheType == TensorType::Q8_0 ? 2 : cacheType == TensorType::F16 ? 1 : 0;
    const BufferRange angles = ropeAngles(positions, params);
    // Without norms the gains' bindings are never read: the angles stand in.
    const BufferRange queryGain = norms ? vulkanTensor(*norms->query).whole() : angles;
    const BufferRange keyGain = norms ? vulkanTensor(*norms->key).whole() : angles;
    dispatch(pipeline("rope_store", {{1, format}, {2, norms ? 1u : 0u}}),
             {vulkanTensor(q).whole(), angles, vulkanTensor(k).whole(), vulkanTensor(v).whole(), keys.range, values.range, queryGain, keyGain},
             push,
             groupsFor(groupCount(rows * (heads + kvHeads), kRopeGroup)));
}

BufferRange VulkanBackend::ropeAngles(std::span<const std::int32_t> positions, const compute::RopeParams &params)
{
    const auto key = std::make_tuple(params.dims, params.freqBase, params.freqScale);
    const auto found = m_ropeAngles.find(key);
    if (found != m_ropeAngles.end() && std::ranges::equal(found->second.positions, positions))
        return found->second.buffer.whole();
    // Cosine and sine per row and pair, on the host with the very expressions of the CPU backend
    // (CpuKernels.cpp rope): the angle of pair i is position · step^i, stepped, times freqScale.
    const std::size_t pairs = params.dims / 2;
    const float step = std::pow(params.freqBase, -2.0f / static_cast<float>(params.dims));
    std::vector<float> angles(positions.size() * pairs * 2);
    for (std::size_t r = 0; r < positions.size(); ++r) {
        float theta = static_cast<float>(positions[r]);
        for (std::size_t i = 0; i < pairs; ++i) {
            const float angle = theta * params.freqScale;
            angles[(r * pairs + i) * 2] = std::cos(angle);
            angles[(r * pairs + i) * 2 + 1] = std::sin(angle);
            theta *= step;
        }
    }
    Buffer buffer(m_context, angles.size() * sizeof(float), MemoryUsage::Upload);
    buffer.write(std::as_bytes(std::span(angles)));
    // Recorded commands may still read the old table: it is retired, never rewritten.
    if (found != m_ropeAngles.end()) {
        retire(std::move(found->second.buffer));
        m_ropeAngles.erase(found);
    }
    const auto added = m_ropeAngles.emplace(key, RopeAngles{std::vector<std::int32_t>(positions.begin(), positions.end()), std::move(buffer)});
    return added.first->second.buffer.whole();
}

void VulkanBackend::copyRows(const Tensor &src, std::size_t srcRow, Tensor &dst, std::size_t dstRow, std::size_t count)
{
    const auto halfOrFloat = [](const Tensor &t) {
        return t.type() == TensorType::F32 || t.type() == TensorType::F16;
    };
    // Q8_0 is a KV cache: written from F32 rows, or copied whole.
    const bool toQ8 = dst.type() == TensorType::Q8_0;
    require(toQ8 ? src.type() == TensorType::F32 || src.type() == TensorType::Q8_0 : halfOrFloat(src) && halfOrFloat(dst), "copyRows");
    require(src.cols() == dst.cols() && srcRow <= src.rows() && count <= src.rows() - srcRow && dstRow <= dst.rows() && count <= dst.rows() - dstRow,
            "copyRows");
    if (count == 0 || src.cols() == 0)
        return;
    const VulkanTensor &source = vulkanTensor(src);
    VulkanTensor &target = vulkanTensor(dst);
    if (src.type() == dst.type()) {
        // The rows are contiguous on both sides: a plain buffer copy, no shader.
        m_sequence.copy(source.buffer(), srcRow * source.rowBytes(), target.buffer(), dstRow * target.rowBytes(), count * source.rowBytes());
        return;
    }
    const RowsBinding from = rowsBinding(source, srcRow, count);
    const RowsBinding to = rowsBinding(target, dstRow, count);
    if (toQ8) {
        // One invocation per pair of blocks.
        const std::size_t blocks = count * (dst.cols() / quant::kQK);
        const std::size_t pairs = (to.element + blocks + 1) / 2 - to.element / 2;
        const CopyRowsPush push{u32(blocks), u32(from.element), u32(to.element)};
        dispatch(pipeline("copy_rows_to_q8_0"), {from.range, to.range}, push, groupsFor(groupCount(pairs, kElementGroup)));
        return;
    }
    const std::size_t elements = count * src.cols();
    const CopyRowsPush push{u32(elements), u32(from.element), u32(to.element)};
    if (dst.type() == TensorType::F16) {
        // One invocation per target word.
        const std::size_t words = (to.element + elements + 1) / 2 - to.element / 2;
        dispatch(pipeline("copy_rows"), {from.range, to.range}, push, groupsFor(groupCount(words, kElementGroup)));
    } else {
        dispatch(pipeline("copy_rows_from_half"), {from.range, to.range}, push, groupsFor(groupCount(elements, kElementGroup)));
    }
}

void VulkanBackend::sliceColumns(const Tensor &src, std::size_t firstCol, Tensor &out)
{
    requireF32(src, "sliceColumns");
    requireF32(out, "sliceColumns");
    require(src.rows() == out.rows() && firstCol <= src.cols() && out.cols() <= src.cols() - firstCol, "sliceColumns");
    const std::size_t count = out.rows() * out.cols();
    if (count == 0)
        return;
    const SlicePush push{u32(count), u32(out.cols()), u32(src.cols()), u32(firstCol)};
    dispatch(pipeline("slice_columns"), {vulkanTensor(src).whole(), vulkanTensor(out).whole()}, push, groupsFor(groupCount(count, kElementGroup)));
}

void VulkanBackend::elementwise(std::uint32_t op, Tensor &x, const Tensor &other, float value)
{
    const std::size_t count = x.rows() * x.cols();
    if (count == 0)
        return;
    const ComputePipeline &apply = pipeline("elementwise", {{1, op}});
    const BufferRange xRange = vulkanTensor(x).whole();
    // The table is bound, and unread, for the ops other than GELU.
    const BufferRange table = op == kGelu || op == kGeglu ? geluTable().whole() : xRange;
    dispatch(apply,
             {xRange, vulkanTensor(other).whole(), table},
             ElementwisePush{u32(count), u32(x.cols()), value},
             groupsFor(groupCount(count, kElementGroup)));
}

// GELU is a table of all halves on the CPU (as in ggml); the GPU looks up the very same table, which
// no tanh of its own could reproduce to the last bit.
const Buffer &VulkanBackend::geluTable()
{
    if (!m_geluTable) {
        std::vector<float> values(std::size_t(1) << 16);
        for (std::size_t h = 0; h < values.size(); ++h)
            values[h] = compute::kernels::gelu(quant::halfToFloat(static_cast<std::uint16_t>(h)));
        m_geluTable.emplace(m_context, values.size() * sizeof(float), MemoryUsage::Device);
        upload(m_context, *m_geluTable, std::as_bytes(std::span(values)));
    }
    return *m_geluTable;
}

void VulkanBackend::add(Tensor &x, const Tensor &y)
{
    requireF32(x, "add");
    requireF32(y, "add");
    require(x.rows() == y.rows() && x.cols() == y.cols(), "add");
    elementwise(kAdd, x, y, 0.0f);
}

void VulkanBackend::addBias(Tensor &x, const Tensor &bias)
{
    requireF32(x, "addBias");
    requireF32(bias, "addBias");
    require(bias.rows() == 1 && bias.cols() == x.cols(), "addBias");
    elementwise(kAddBias, x, bias, 0.0f);
}

void VulkanBackend::scale(Tensor &x, float factor)
{
    requireF32(x, "scale");
    elementwise(kScale, x, x, factor);
}

void VulkanBackend::softcap(Tensor &x, float cap)
{
    requireF32(x, "softcap");
    require(cap > 0.0f, "softcap");
    elementwise(kSoftcap, x, x, cap);
}

void VulkanBackend::gelu(Tensor &x)
{
    requireF32(x, "gelu");
    elementwise(kGelu, x, x, 0.0f);
}

void VulkanBackend::swiglu(Tensor &gate, const Tensor &up)
{
    requireF32(gate, "swiglu");
    requireF32(up, "swiglu");
    require(gate.rows() == up.rows() && gate.cols() == up.cols(), "swiglu");
    elementwise(kSwiglu, gate, up, 0.0f);
}

void VulkanBackend::geglu(Tensor &gate, const Tensor &up)
{
    requireF32(gate, "geglu");
    requireF32(up, "geglu");
    require(gate.rows() == up.rows() && gate.cols() == up.cols(), "geglu");
    elementwise(kGeglu, gate, up, 0.0f);
}

} // namespace glassbox::vulkan
