#include "VulkanBackend.h"

#include "util/Error.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

namespace glassbox::vulkan
{

using compute::Tensor;
using gguf::TensorType;

namespace
{

// shaders/matmul_push.glsl
struct MatmulPush {
    std::uint32_t columns;
    std::uint32_t rowBytes;
    std::uint32_t weightRows;
    std::uint32_t firstWeightRow;
    std::uint32_t tokens;
    std::uint32_t firstToken;
    std::uint32_t outColumns;
    std::uint32_t xStride;
};

// shaders/quantize_input.comp
struct QuantizeInputPush {
    std::uint32_t columns;
    std::uint32_t rows;
    std::uint32_t outStride;
};

// What the CPU backend rounds x to before multiplying it with a weight type (compute/cpu/VecDot.cpp,
// ggml's vec_dot_type), which the GPU repeats so that both multiply the same values.
struct InputRounding {
    const char *shader; // a module of shaders/quantize_input.comp
    std::size_t block; // elements per invocation
    bool blockSums; // Q8_1: each row is followed by one sum per block (shaders/matmul_input.glsl)
};

std::optional<InputRounding> inputRounding(TensorType type)
{
    switch (type) {
    case TensorType::F16:
        return InputRounding{"quantize_input_f16", 1, false};
    case TensorType::BF16:
        return InputRounding{"quantize_input_bf16", 1, false};
    case TensorType::Q4_0:
    case TensorType::Q5_0:
    case TensorType::Q8_0:
        return InputRounding{"quantize_input", 32, false};
    case TensorType::Q4_1:
    case TensorType::Q5_1:
        return InputRounding{"quantize_input_q8_1", 32, true};
    case TensorType::Q2_K:
    case TensorType::Q3_K:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K:
        return InputRounding{"quantize_input_q8_k", 256, false};
    default:
        return std::nullopt; // F32: used as it is
    }
}

// shaders/embed.comp
struct EmbedPush {
    std::uint32_t columns;
    std::uint32_t rowBytes;
    std::uint32_t firstRow;
    std::uint32_t rows;
    std::uint32_t count;
};

// Up to this many x rows, each token streams the weight on its own (matmul_vector); more share
// dequantized weight tiles (matmul_tiled), whose 32-token tiles would mostly idle below that.
constexpr std::size_t kVectorTokens = 4;
// matmul_tiled.comp's TILE.
constexpr std::size_t kTile = 32;

// The module name suffix of a weight type's shader variant (shaders/CMakeLists.txt); F32 has none.
std::string formatSuffix(TensorType type)
{
    switch (type) {
    case TensorType::F32:
        return "";
    case TensorType::F16:
        return "_f16";
    case TensorType::BF16:
        return "_bf16";
    case TensorType::Q4_0:
        return "_q4_0";
    case TensorType::Q4_1:
        return "_q4_1";
    case TensorType::Q5_0:
        return "_q5_0";
    case TensorType::Q5_1:
        return "_q5_1";
    case TensorType::Q8_0:
        return "_q8_0";
    case TensorType::Q2_K:
        return "_q2_k";
    case TensorType::Q3_K:
        return "_q3_k";
    case TensorType::Q4_K:
        return "_q4_k";
    case TensorType::Q5_K:
        return "_q5_k";
    case TensorType::Q6_K:
        return "_q6_k";
    default:
        throw Error("the Vulkan backend has no shaders for tensor type " + std::to_string(static_cast<unsigned>(type)));
    }
}

// How weight shaders read the weights (shaders/formats/weights.glsl): CPU drivers through a texel
// buffer, which they load several times faster than a storage buffer; GPUs as a storage buffer.
// (The texel variants exist beside the subgroup variants only: lavapipe has subgroups.)
std::string readSuffix(const DeviceInfo &info)
{
    return info.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? "_texels" : "";
}

std::uint32_t u32(std::size_t value)
{
    return static_cast<std::uint32_t>(value);
}

void require(bool condition, const char *op)
{
    if (!condition)
        throw std::logic_error(std::string("VulkanBackend::") + op + ": tensor types or shapes do not match");
}

} // namespace

void VulkanBackend::embed(const Tensor &tableTensor, std::span<const std::int32_t> tokens, Tensor &outTensor)
{
    const VulkanTensor &table = vulkanTensor(tableTensor);
    VulkanTensor &out = vulkanTensor(outTensor);
    require(out.type() == TensorType::F32 && out.rows() == tokens.size() && out.cols() == table.cols(), "embed");
    for (const std::int32_t token : tokens)
        if (token < 0 || static_cast<std::size_t>(token) >= table.rows())
            throw Error("token id " + std::to_string(token) + " is outside the vocabulary of " + std::to_string(table.rows()));
    if (tokens.empty())
        return;
    const BufferRange output = out.whole();
    const ComputePipeline &shader = pipeline("embed" + formatSuffix(table.type()) + readSuffix(m_context.info()));

    Buffer ids(m_context, tokens.size_bytes(), MemoryUsage::Upload);
    ids.write(std::as_bytes(tokens));
    for (const TensorWindow &window : table.windows()) {
        const EmbedPush push{u32(table.cols()), u32(table.rowBytes()), u32(window.firstRow), u32(window.rows), u32(tokens.size())};
        dispatch(shader, {window.range, ids.whole(), output}, push, groupsFor(tokens.size()));
    }
    retire(std::move(ids));
}

void VulkanBackend::matmul(const Tensor &weightTensor, const Tensor &xTensor, Tensor &outTensor)
{
    const VulkanTensor &weight = vulkanTensor(weightTensor);
    const VulkanTensor &x = vulkanTensor(xTensor);
    VulkanTensor &out = vulkanTensor(outTensor);
    require(x.type() == TensorType::F32 && out.type() == TensorType::F32, "matmul");
    require(weight.cols() == x.cols() && weight.rows() == out.cols() && x.rows() == out.rows(), "matmul");
    if (x.rows() == 0 || weight.rows() == 0)
        return;
    const std::string suffix = formatSuffix(weight.type());
    BufferRange input = x.whole();
    std::size_t xStride = x.cols();
    if (const std::optional<InputRounding> rounding = inputRounding(weight.type())) {
        require(x.cols() % rounding->block == 0, "matmul");
        xStride = x.cols() + (rounding->blockSums ? x.cols() / rounding->block : 0);
        const std::size_t bytes = x.rows() * xStride * sizeof(float);
        // One buffer serves every matmul; the recorded barriers order its reuse.
        if (!m_matmulInput || m_matmulInput->size() < bytes) {
            if (m_matmulInput)
                retire(std::move(*m_matmulInput));
            m_matmulInput.emplace(m_context, bytes, MemoryUsage::Device);
        }
        const BufferRange rounded = m_matmulInput->range(0, bytes);
        const std::size_t blocks = x.rows() * (x.cols() / rounding->block);
        constexpr std::size_t kQuantizeWorkgroup = 64; // quantize_input.comp's local_size_x
        dispatch(pipeline(rounding->shader),
                 {input, rounded},
                 QuantizeInputPush{u32(x.cols()), u32(x.rows()), u32(xStride)},
                 groupsFor((blocks + kQuantizeWorkgroup - 1) / kQuantizeWorkgroup));
        input = rounded;
    }
    const bool vector = x.rows() <= kVectorTokens;
    const DeviceInfo &info = m_context.info();

    // Decode: a CPU driver (lavapipe) gets one row per invocation (see matmul_vector.comp), a GPU a
    // workgroup per two rows so that enough loads are in flight. The subgroup variant's row-per-
    // invocation mode shares x through shuffles among 8 lanes.
    const bool cpu = info.type == VK_PHYSICAL_DEVICE_TYPE_CPU;
    const bool subgroups = info.subgroupArithmetic && info.subgroupShuffle && info.subgroupSize >= 8;
    const std::uint32_t vectorWorkgroup = cpu ? std::max<std::uint32_t>(8, info.subgroupSize) : 64;
    const std::uint32_t rowsPerGroup = cpu ? vectorWorkgroup : 2;
    const ComputePipeline &shader = vector ? pipeline("matmul_vector" + suffix + (subgroups ? readSuffix(info) : "_shared"),
                                                      {{0, vectorWorkgroup}, {1, cpu ? 1 : rowsPerGroup}, {2, cpu ? 1u : 0u}})
                                           : pipeline("matmul_tiled" + suffix + readSuffix(info));
    const std::size_t rowTileLimit = info.maxComputeWorkGroupCount[0];

    for (const TensorWindow &outWindow : out.windows()) {
        for (const TensorWindow &weightWindow : weight.windows()) {
            const MatmulPush push{u32(x.cols()),
                                  u32(weight.rowBytes()),
                                  u32(weightWindow.rows),
                                  u32(weightWindow.firstRow),
                                  u32(outWindow.rows),
                                  u32(outWindow.firstRow),
                                  u32(out.cols()),
                                  u32(xStride)};
            std::array<std::uint32_t, 3> groups;
            if (vector) {
                groups = groupsFor((weightWindow.rows + rowsPerGroup - 1) / rowsPerGroup);
                groups[2] = u32(outWindow.rows);
            } else {
                // Row tiles beyond the device's grid limit fold into the third axis.
                const std::size_t rowTiles = (weightWindow.rows + kTile - 1) / kTile;
                const std::size_t across = std::min(rowTiles, rowTileLimit);
                groups = {u32(across), u32((outWindow.rows + kTile - 1) / kTile), u32((rowTiles + across - 1) / across)};
            }
            dispatch(shader, {weightWindow.range, input, outWindow.range}, push, groups);
        }
    }
}

} // namespace glassbox::vulkan
