#include "VulkanBackend.h"

#include "util/Error.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace glassbox::vulkan
{

using compute::Tensor;
using gguf::TensorType;

namespace
{

// Invocations per workgroup (attention.comp needs one per four dimensions of a head at least).
constexpr std::size_t kWorkgroup = 64;
// Queries (query rows × heads per KV head) one workgroup of attention.comp takes at most: more share
// each loaded cache element, but each costs an invocation registers.
constexpr std::size_t kMaxQueries = 8;
// Below this many workgroups the cache rows are split among more (flash-decoding): a decode step
// has only kvHeads workgroups otherwise.
constexpr std::size_t kTargetWorkgroups = 64;
// A split covers at least this many cache rows, so the merge stays cheap next to the split's work.
constexpr std::size_t kMinSplitRows = 128;

// The push constant blocks of attention.comp, attention_exact.comp, attention_merge.comp and
// attention_probabilities.comp; the first two start with the same fields (all 4 bytes, so nesting
// them leaves the layout flat).
struct AttentionShape {
    std::uint32_t rows;
    std::uint32_t heads;
    std::uint32_t cacheRows;
    std::uint32_t window;
    float scale;
    float softcap;
    std::uint32_t causal;
};

struct AttentionPush {
    AttentionShape shape;
    std::uint32_t splits;
    std::uint32_t splitRows;
    float queryScale;
};

struct ExactPush {
    AttentionShape shape;
    std::uint32_t scaleQuery;
    std::uint32_t captured;
    std::uint32_t columns;
};

struct MergePush {
    std::uint32_t count;
    std::uint32_t headDim;
    std::uint32_t splits;
};

struct ProbabilitiesPush {
    std::uint32_t rows;
    std::uint32_t heads;
    std::uint32_t kvHeads;
    std::uint32_t headDim;
    std::uint32_t cacheRows;
    std::uint32_t window;
    float scale;
    float softcap;
    std::uint32_t causal;
    std::uint32_t captured;
    std::uint32_t columns;
    float queryScale;
};

void require(bool condition, const char *what)
{
    if (!condition)
        throw std::logic_error(std::string("VulkanBackend::attention: ") + what);
}

std::uint32_t u32(std::size_t value)
{
    require(value <= std::numeric_limits<std::uint32_t>::max(), "sizes beyond 32 bits");
    return static_cast<std::uint32_t>(value);
}

AttentionShape shapeOf(std::size_t rows, std::size_t heads, std::size_t cacheRows, const compute::AttentionParams &params, float scale)
{
    return {u32(rows), u32(heads), u32(cacheRows), u32(params.window), scale, params.softcap, params.causal ? 1u : 0u};
}

// The cache formats of attention.glsl (KEY_FORMAT, VALUE_FORMAT).
enum CacheFormat : std::uint32_t {
    kF32Cache = 0,
    kF16Cache = 1,
    kQ8_0Cache = 2,
};

std::uint32_t cacheFormat(const Tensor &tensor)
{
    switch (tensor.type()) {
    case TensorType::F32:
        return kF32Cache;
    case TensorType::F16:
        return kF16Cache;
    case TensorType::Q8_0:
        return kQ8_0Cache;
    default:
        throw std::logic_error("VulkanBackend: a KV cache is F32, F16 or Q8_0");
    }
}

// The cache rows [first, end) a query at `position` sees (as the CPU reference decides).
std::pair<std::size_t, std::size_t> visibleRows(std::size_t position, const compute::AttentionParams &params, std::size_t cacheRows)
{
    if (!params.causal)
        return {0, cacheRows};
    const std::size_t end = position + 1;
    return {params.window > 0 && end > params.window ? end - params.window : 0, end};
}

} // namespace

void VulkanBackend::attention(const Tensor &qTensor,
                              const Tensor &kTensor,
                              const Tensor &vTensor,
                              std::size_t heads,
                              std::size_t kvHeads,
                              std::span<const std::int32_t> positions,
                              const compute::AttentionParams &params,
                              Tensor &outTensor,
                              const compute::AttentionProbabilities *probabilities)
{
    const VulkanTensor &q = vulkanTensor(qTensor);
    const VulkanTensor &kCache = vulkanTensor(kTensor);
    const VulkanTensor &vCache = vulkanTensor(vTensor);
    VulkanTensor &out = vulkanTensor(outTensor);
    require(q.type() == TensorType::F32 && out.type() == TensorType::F32, "queries and output must be F32");
    const std::uint32_t keyFormat = cacheFormat(kCache), valueFormat = cacheFormat(vCache);
    require(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && q.cols() % heads == 0, "bad head counts");
    const std::size_t headDim = q.cols() / heads;
    const std::size_t group = heads / kvHeads;
    require(headDim > 0 && kCache.cols() == kvHeads * headDim && vCache.cols() == kCache.cols() && vCache.rows() == kCache.rows(), "bad cache shapes");
    require(out.rows() == q.rows() && out.cols() == q.cols() && positions.size() == q.rows(), "bad output shape or positions");
    // A Q8_0 block must not straddle two heads (the kernels read a head's elements from its own blocks).
    require((keyFormat != kQ8_0Cache && valueFormat != kQ8_0Cache) || headDim % 32 == 0, "a Q8_0 cache needs heads of whole blocks");
    const std::size_t rows = q.rows();
    if (rows == 0)
        return;

    // The span of cache rows any query sees, for choosing splits.
    std::size_t spanBegin = kCache.rows(), spanEnd = 0;
    for (std::int32_t position : positions) {
        require(position >= 0 && static_cast<std::size_t>(position) < kCache.rows(), "position outside the cache");
        const auto [first, end] = visibleRows(static_cast<std::size_t>(position), params, kCache.rows());
        spanBegin = std::min(spanBegin, first);
        spanEnd = std::max(spanEnd, end);
    }

    // Checked before anything is recorded: a throw must not leave a dispatch using freed buffers.
    const std::size_t captured = probabilities ? probabilities->heads.size() : 0;
    VulkanTensor *capture = probabilities ? &vulkanTensor(*probabilities->out) : nullptr;
    if (capture) {
        require(capture->type() == TensorType::F32 && capture->rows() == rows * captured, "bad probabilities tensor");
        require(capture->cols() >= (params.causal ? spanEnd : kCache.rows()), "the probabilities tensor is too narrow");
    }

    // Positions, then the captured heads: small host data the shaders read from host-visible memory.
    std::vector<std::uint32_t> hostData(rows + captured);
    std::transform(positions.begin(), positions.end(), hostData.begin(), [](std::int32_t p) {
        return static_cast<std::uint32_t>(p);
    });
    for (std::size_t j = 0; j < captured; ++j) {
        require(probabilities->heads[j] < heads, "captured head out of range");
        hostData[rows + j] = u32(probabilities->heads[j]);
    }

    // attention_exact takes the values 8 dimensions per invocation: heads up to 8 per invocation of
    // its workgroup (every model we know); wider ones take the online kernel.
    const bool exactFits = headDim <= 8 * kWorkgroup;
    if (m_attentionKernel == AttentionKernel::Exact && exactFits) {
        require(rows <= m_context.info().maxComputeWorkGroupCount[1] && heads <= m_context.info().maxComputeWorkGroupCount[0], "too many workgroups");
        // Scores of up to this many cache rows stay in workgroup memory (the query and the tile
        // take the rest); longer spans recompute them.
        const std::size_t capacity = (m_context.info().maxComputeSharedMemorySize / sizeof(float) - headDim - 2 * kWorkgroup) / 32 * 32;
        require(capacity >= 32, "heads too wide for this device's workgroup memory");
        const ComputePipeline &exact = pipeline("attention_exact",
                                                {{0, u32(kWorkgroup)},
                                                 {1, u32(headDim)},
                                                 {2, u32(group)},
                                                 {3, rows > 1 ? 1u : 0u},
                                                 {4, keyFormat},
                                                 {5, valueFormat},
                                                 {6, u32(std::min<std::size_t>(capacity, 4096))}});
        Buffer hostBuffer(m_context, hostData.size() * sizeof(std::uint32_t), MemoryUsage::Upload);
        hostBuffer.write(std::as_bytes(std::span(hostData)));
        const ExactPush push{
            .shape = shapeOf(rows, heads, kCache.rows(), params, params.scale),
            .scaleQuery = params.scaleQuery ? 1u : 0u,
            .captured = u32(captured),
            .columns = capture ? u32(capture->cols()) : 0u,
        };
        const BufferRange outRange = out.whole();
        dispatch(exact,
                 {q.whole(), kCache.whole(), vCache.whole(), hostBuffer.whole(), outRange, capture ? capture->whole() : outRange},
                 push,
                 {u32(heads), u32(rows), 1});
        retire(std::move(hostBuffer));
        return;
    }

    const std::size_t quads = (headDim + 3) / 4;
    const std::size_t workgroup = std::max(kWorkgroup, (quads + 31) / 32 * 32);
    // A workgroup takes the query heads of one KV head (a large group in parts) for a block of rows:
    // a decode step has one row, a batch shares each cache element among several rows' queries.
    const std::size_t queryHeads = std::min(group, kMaxQueries);
    const std::size_t parts = (group + queryHeads - 1) / queryHeads;
    const std::size_t blockRows = std::min(rows, kMaxQueries / queryHeads);
    const std::size_t queries = blockRows * queryHeads;
    const auto sharedBytes = [&](std::size_t laneRows) {
        return (queries * (quads * 4 + workgroup * laneRows) + 3 * queries) * sizeof(float);
    };
    const std::size_t laneRows = sharedBytes(8) <= m_context.info().maxComputeSharedMemorySize ? 8 : 4;
    if (sharedBytes(laneRows) > m_context.info().maxComputeSharedMemorySize)
        throw Error("attention with heads of " + std::to_string(headDim) + " dimensions needs more workgroup memory than this Vulkan device has");
    const std::size_t rowBlocks = (rows + blockRows - 1) / blockRows;

    // Flash-decoding: too few workgroups for the device, so each also takes only a part of the rows.
    const std::size_t workgroups = kvHeads * parts * rowBlocks;
    const std::size_t span = spanEnd - spanBegin;
    std::size_t splits = 1;
    std::size_t splitRows = kCache.rows();
    if (workgroups < kTargetWorkgroups && span >= 2 * kMinSplitRows) {
        const std::size_t wanted = std::min((kTargetWorkgroups + workgroups - 1) / workgroups, span / kMinSplitRows);
        const std::size_t tile = workgroup * laneRows;
        splitRows = (span + wanted - 1) / wanted;
        splitRows = (splitRows + tile - 1) / tile * tile;
        splits = (span + splitRows - 1) / splitRows;
    }
    require(rowBlocks <= m_context.info().maxComputeWorkGroupCount[1] && kvHeads * parts <= m_context.info().maxComputeWorkGroupCount[0]
                && splits <= m_context.info().maxComputeWorkGroupCount[2],
            "too many workgroups");

    // Everything that can throw (pipelines, bindings) comes before the first dispatch, so a throw
    // cannot leave a recorded dispatch using a freed buffer.
    const ComputePipeline &attend = pipeline("attention",
                                             {{0, u32(workgroup)},
                                              {1, u32(headDim)},
                                              {2, u32(group)},
                                              {3, u32(blockRows)},
                                              {4, keyFormat},
                                              {5, valueFormat},
                                              {6, splits > 1 ? 1u : 0u},
                                              {7, u32(laneRows)},
                                              {8, u32(queryHeads)}});
    const ComputePipeline &merge = pipeline("attention_merge", {{0, u32(kWorkgroup)}});
    const ComputePipeline &capturing = pipeline("attention_probabilities", {{0, u32(kWorkgroup)}, {1, keyFormat}});
    const BufferRange qRange = q.whole(), kRange = kCache.whole(), vRange = vCache.whole(), outRange = out.whole();
    const BufferRange captureRange = capture ? capture->whole() : BufferRange{};
    Buffer hostBuffer(m_context, hostData.size() * sizeof(std::uint32_t), MemoryUsage::Upload);
    hostBuffer.write(std::as_bytes(std::span(hostData)));
    std::optional<Buffer> partials;
    if (splits > 1)
        partials.emplace(m_context, rows * heads * splits * (headDim + 2) * sizeof(float), MemoryUsage::Device);

    // Where the scale multiplies the query, the products are not scaled again.
    const float productScale = params.scaleQuery ? 1.0f : params.scale;
    const float queryScale = params.scaleQuery ? params.scale : 1.0f;
    const AttentionPush push{
        .shape = shapeOf(rows, heads, kCache.rows(), params, productScale),
        .splits = u32(splits),
        .splitRows = u32(splitRows),
        .queryScale = queryScale,
    };
    const std::array<std::uint32_t, 3> groups{u32(kvHeads * parts), u32(rowBlocks), u32(splits)};
    dispatch(attend, {qRange, kRange, vRange, hostBuffer.whole(), partials ? partials->whole() : outRange}, push, groups);
    if (partials) {
        const std::size_t count = rows * heads * headDim;
        dispatch(merge, {partials->whole(), outRange}, MergePush{u32(count), u32(headDim), u32(splits)}, groupsFor((count + kWorkgroup - 1) / kWorkgroup));
        retire(std::move(*partials));
    }
    if (capture && captured > 0) {
        const ProbabilitiesPush probabilitiesPush{
            .rows = u32(rows),
            .heads = u32(heads),
            .kvHeads = u32(kvHeads),
            .headDim = u32(headDim),
            .cacheRows = u32(kCache.rows()),
            .window = u32(params.window),
            .scale = productScale,
            .softcap = params.softcap,
            .causal = params.causal ? 1u : 0u,
            .captured = u32(captured),
            .columns = u32(capture->cols()),
            .queryScale = queryScale,
        };
        dispatch(capturing, {qRange, kRange, hostBuffer.whole(), captureRange}, probabilitiesPush, groupsFor(rows * captured));
    }
    retire(std::move(hostBuffer));
}

} // namespace glassbox::vulkan
