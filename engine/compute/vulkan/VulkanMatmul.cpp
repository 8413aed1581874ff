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
    std::uint32_t sumOrder;
    std::uint32_t pairedTokens;
};

// shaders/quantize_input.comp
struct QuantizeInputPush {
    std::uint32_t columns;
    std::uint32_t rows;
    std::uint32_t outStride;
    float eps; // the _normalized variants' RMSNorm
};

// What the CPU backend rounds x to before multiplying it with a weight type (compute/cpu/VecDot.cpp,
// ggml's vec_dot_type), which the GPU repeats so that both multiply the same values.
struct InputRounding {
    std::string shader; // a module of shaders/quantize_input.comp
    std::size_t block; // elements per invocation
    std::size_t perBlock; // floats after each row per block: Q8_1's sums, the scales of integer quants
};

// The formats whose matmul_rows adds up integer quants in the CPU's lanes (shaders/matmul_lanes.glsl).
bool laneSums(TensorType type)
{
    switch (type) {
    case TensorType::Q4_0:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::Q8_0:
    case TensorType::Q3_K:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K:
        return true;
    default:
        return false;
    }
}

// The formats with lane sums take x's integer quants and scales apart (matmul_rows.comp and
// matmul_ordered.comp); CPU drivers also copy an F32 x (matmul_rows.comp reads x rows at whole texels).
std::optional<InputRounding> inputRounding(TensorType type, bool cpu)
{
    if (laneSums(type)) {
        if (type == TensorType::Q4_1 || type == TensorType::Q5_1)
            return InputRounding{"quantize_input_q8_1_integers", 32, 2};
        if (type == TensorType::Q3_K || type == TensorType::Q4_K || type == TensorType::Q5_K || type == TensorType::Q6_K)
            return InputRounding{"quantize_input_q8_k_integers", 256, 17}; // 16 sums of 16, the scale
        return InputRounding{"quantize_input_integers", 32, 1};
    }
    switch (type) {
    case TensorType::F32:
        if (cpu)
            return InputRounding{"quantize_input_f32", 1, 0};
        return std::nullopt; // used as it is
    case TensorType::F16:
        return InputRounding{"quantize_input_f16", 1, 0};
    case TensorType::BF16:
        return InputRounding{"quantize_input_bf16", 1, 0};
    case TensorType::Q2_K:
        return InputRounding{"quantize_input_q8_k", 256, 0};
    default:
        return std::nullopt;
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

// On GPUs: up to this many x rows, each token streams the weight on its own (matmul_vector); more
// share dequantized weight tiles (matmul_tiled), whose 32-token tiles would mostly idle below that.
constexpr std::size_t kVectorTokens = 4;
// matmul_tiled.comp's TILE.
constexpr std::size_t kTile = 32;
// On CPU drivers (matmul_rows.comp): the most tokens one invocation applies its weight row to (and
// matmul_ordered.comp's MAX_TOKENS: the most one workgroup does), and the invocations per workgroup
// (one SIMD pass of lavapipe's 8 lanes).
constexpr std::size_t kRowTokens = 8;
constexpr std::uint32_t kRowsWorkgroup = 8;

// matmul_rows' tokens per invocation for `tokens` x rows: the smallest power of two covering them,
// up to kRowTokens, so that few pipelines serve every count.
std::uint32_t rowTokens(std::size_t tokens)
{
    std::uint32_t count = 1;
    while (count < tokens && count < kRowTokens)
        count *= 2;
    return count;
}

// matmul_rows.comp's ROWS: the weight rows each invocation takes, four for the legacy formats (the
// formats with lane sums in blocks of 32).
std::size_t rowsPerInvocation(TensorType type)
{
    const bool legacy = laneSums(type) && gguf::tensorTypeTraits(static_cast<std::uint32_t>(type))->blockElements == 32;
    return legacy ? 4 : 1;
}

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
    // CPU drivers read the weights through a texel buffer, which they load several times faster
    // than a storage buffer (shaders/formats/weights.glsl).
    const ComputePipeline &shader = pipeline("embed" + formatSuffix(table.type()) + (cpuKernels() ? "_texels" : ""));

    Buffer ids(m_context, tokens.size_bytes(), MemoryUsage::Upload);
    ids.write(std::as_bytes(tokens));
    for (const TensorWindow &window : table.windows()) {
        const EmbedPush push{u32(table.cols()), u32(table.rowBytes()), u32(window.firstRow), u32(window.rows), u32(tokens.size())};
        dispatch(shader, {window.range, ids.whole(), output}, push, groupsFor(tokens.size()));
    }
    retire(std::move(ids));
}

std::string VulkanBackend::inputRoundingFor(TensorType weightType) const
{
    const std::optional<InputRounding> rounding = inputRounding(weightType, cpuKernels());
    return rounding ? rounding->shader : std::string();
}

VulkanBackend::MatmulInput VulkanBackend::matmulInput(const VulkanTensor &x, TensorType weightType, const compute::NormedInput *norm)
{
    require(x.type() == TensorType::F32, "matmul");
    const std::optional<InputRounding> rounding = inputRounding(weightType, cpuKernels());
    if (!rounding || x.rows() == 0) {
        if (!norm)
            return MatmulInput{x.whole(), x.cols(), rounding ? rounding->shader : std::string()};
        rmsNorm(*norm->x, *norm->gain, norm->eps, *norm->normed);
        return MatmulInput{vulkanTensor(*norm->normed).whole(), x.cols(), std::string()};
    }
    require(x.cols() % rounding->block == 0, "matmul");
    // Rows at whole 16-byte texels (shaders/matmul_input.glsl).
    const std::size_t xStride = (x.cols() + rounding->perBlock * (x.cols() / rounding->block) + 3) / 4 * 4;
    const std::size_t bytes = x.rows() * xStride * sizeof(float);
    // One buffer serves every matmul; the recorded barriers order its reuse.
    if (!m_matmulInput || m_matmulInput->size() < bytes) {
        if (m_matmulInput)
            retire(std::move(*m_matmulInput));
        m_matmulInput.emplace(m_context, bytes, MemoryUsage::Device);
    }
    const BufferRange rounded = m_matmulInput->range(0, bytes);
    const QuantizeInputPush push{u32(x.cols()), u32(x.rows()), u32(xStride), norm ? norm->eps : 0.0f};
    if (norm) {
        const Tensor &gain = *norm->gain;
        const VulkanTensor &normed = vulkanTensor(*norm->normed);
        require(gain.type() == TensorType::F32 && gain.rows() == 1 && gain.cols() == x.cols(), "matmul");
        require(normed.type() == TensorType::F32 && normed.rows() == x.rows() && normed.cols() == x.cols(), "matmul");
        // One workgroup per row (quantize_input.comp's NORMALIZE).
        dispatch(pipeline(rounding->shader + "_normalized"), {x.whole(), rounded, vulkanTensor(gain).whole(), normed.whole()}, push, groupsFor(x.rows()));
    } else {
        const std::size_t blocks = x.rows() * (x.cols() / rounding->block);
        constexpr std::size_t kQuantizeWorkgroup = 64; // quantize_input.comp's local_size_x
        dispatch(pipeline(rounding->shader), {x.whole(), rounded}, push, groupsFor((blocks + kQuantizeWorkgroup - 1) / kQuantizeWorkgroup));
    }
    return MatmulInput{rounded, xStride, rounding->shader};
}

void VulkanBackend::matmul(const Tensor &weight, const Tensor &x, Tensor &out)
{
    multiply(vulkanTensor(weight), vulkanTensor(x), std::nullopt, vulkanTensor(out), MatmulOutput::Store);
}

// Products of one input share its rounding, which also normalizes it: one quantize_input for the
// norm, Q, K and V, or gate and up, where each would otherwise have its own dispatch.
void VulkanBackend::matmuls(const compute::NormedInput &input, std::span<const compute::MatmulTarget> targets)
{
    if (targets.empty()) {
        rmsNorm(*input.x, *input.gain, input.eps, *input.normed);
        return;
    }
    const VulkanTensor &normed = vulkanTensor(*input.normed);
    std::optional<MatmulInput> rounded = matmulInput(vulkanTensor(*input.x), targets.front().weight->type(), &input);
    for (const compute::MatmulTarget &target : targets)
        rounded = multiply(vulkanTensor(*target.weight), normed, rounded, vulkanTensor(*target.out), MatmulOutput::Store);
}

void VulkanBackend::matmulAdd(const Tensor &weight, const Tensor &x, Tensor &accumulator)
{
    multiply(vulkanTensor(weight), vulkanTensor(x), std::nullopt, vulkanTensor(accumulator), MatmulOutput::Accumulate);
}

void VulkanBackend::gatedMatmul(const Tensor &gateTensor,
                                const Tensor &upTensor,
                                const compute::NormedInput &normedInput,
                                compute::GateActivation activation,
                                Tensor &out)
{
    const VulkanTensor &x = vulkanTensor(*normedInput.normed);
    const VulkanTensor &up = vulkanTensor(upTensor);
    const MatmulInput rounded = matmulInput(vulkanTensor(*normedInput.x), gateTensor.type(), &normedInput);
    const MatmulInput input = multiply(vulkanTensor(gateTensor), x, rounded, vulkanTensor(out), MatmulOutput::Store);
    multiply(up, x, input, vulkanTensor(out), activation == compute::GateActivation::Silu ? MatmulOutput::Swiglu : MatmulOutput::Geglu);
}

// weight · x into out as `mode` says; x is rounded for the weight unless `rounded` already holds it
// so. Returns the rounded x, for the next product of the same input.
VulkanBackend::MatmulInput VulkanBackend::multiply(const VulkanTensor &weight,
                                                   const VulkanTensor &x,
                                                   const std::optional<MatmulInput> &rounded,
                                                   VulkanTensor &out,
                                                   MatmulOutput mode)
{
    require(x.type() == TensorType::F32 && out.type() == TensorType::F32, "matmul");
    require(weight.cols() == x.cols() && weight.rows() == out.cols() && x.rows() == out.rows(), "matmul");
    const MatmulInput input = rounded && rounded->rounding == inputRoundingFor(weight.type()) ? *rounded : matmulInput(x, weight.type());
    if (x.rows() == 0 || weight.rows() == 0)
        return input;
    const std::string suffix = formatSuffix(weight.type());
    const DeviceInfo &info = m_context.info();
    const bool cpu = cpuKernels();
    const std::size_t xStride = input.stride;
    const std::uint32_t output = static_cast<std::uint32_t>(mode);
    const bool vector = x.rows() <= kVectorTokens;
    const std::uint32_t tileTokens = rowTokens(x.rows());

    // A CPU driver (lavapipe) gets one weight row per invocation (four for the legacy formats) for up
    // to kRowTokens tokens (matmul_rows.comp). A GPU spreads each row of the formats with lane sums
    // over a workgroup, for as many tokens (matmul_ordered.comp); for the others it decodes with a
    // workgroup per two rows, so that enough loads are in flight (matmul_vector.comp), and shares
    // weight tiles in shared memory for prefill (matmul_tiled.comp).
    constexpr std::uint32_t kVectorWorkgroup = 64;
    constexpr std::uint32_t kVectorRows = 2;
    const bool ordered = !cpu && laneSums(weight.type());
    const std::string lanesVariant = laneSums(weight.type()) && !info.float64Arithmetic ? "_nofp64" : "";
    const ComputePipeline &shader = cpu       ? pipeline("matmul_rows" + suffix + lanesVariant, {{0, kRowsWorkgroup}, {1, tileTokens}, {2, output}})
                                    : ordered ? pipeline("matmul_ordered" + suffix + lanesVariant, {{1, tileTokens}, {2, output}})
                                    : vector  ? pipeline("matmul_vector" + suffix + (info.subgroupArithmetic ? "" : "_shared"), {{0, kVectorWorkgroup}, {1, kVectorRows}, {2, output}})
                                              : pipeline("matmul_tiled" + suffix, {{2, output}});
    const std::size_t rowTileLimit = info.maxComputeWorkGroupCount[0];
    // The CPU backend takes Q4_0 and Q4_K matrices of 8k rows as llama.cpp repacks them, Q4_K's
    // with a batched kernel for the batch's first rows in fours (compute/cpu/VecDot.cpp and Matmul.cpp,
    // shaders/matmul_lanes.glsl and matmul_k_lanes.glsl).
    const bool repacked = (weight.type() == TensorType::Q4_0 || weight.type() == TensorType::Q4_K) && weight.rows() % 8 == 0;
    const std::uint32_t sumOrder = repacked ? 1 : 0;
    const std::uint32_t pairedTokens = weight.type() == TensorType::Q4_K ? u32(x.rows() - x.rows() % 4) : 0;

    for (const TensorWindow &outWindow : out.windows()) {
        for (const TensorWindow &weightWindow : weight.windows()) {
            const MatmulPush push{u32(x.cols()),
                                  u32(weight.rowBytes()),
                                  u32(weightWindow.rows),
                                  u32(weightWindow.firstRow),
                                  u32(outWindow.rows),
                                  u32(outWindow.firstRow),
                                  u32(out.cols()),
                                  u32(xStride),
                                  sumOrder,
                                  pairedTokens};
            std::array<std::uint32_t, 3> groups;
            if (cpu || ordered) {
                const std::size_t perGroup = kRowsWorkgroup * rowsPerInvocation(weight.type());
                groups = groupsFor(ordered ? weightWindow.rows : (weightWindow.rows + perGroup - 1) / perGroup);
                groups[2] = u32((outWindow.rows + tileTokens - 1) / tileTokens);
            } else if (vector) {
                groups = groupsFor((weightWindow.rows + kVectorRows - 1) / kVectorRows);
                groups[2] = u32(outWindow.rows);
            } else {
                // Row tiles beyond the device's grid limit fold into the third axis.
                const std::size_t rowTiles = (weightWindow.rows + kTile - 1) / kTile;
                const std::size_t across = std::min(rowTiles, rowTileLimit);
                groups = {u32(across), u32((outWindow.rows + kTile - 1) / kTile), u32((rowTiles + across - 1) / across)};
            }
            // The GELU table is bound for every mode (the shaders declare it), and read by Geglu's alone.
            const BufferRange table = mode == MatmulOutput::Geglu ? geluTable().whole() : outWindow.range;
            dispatch(shader, {weightWindow.range, input.range, outWindow.range, table}, push, groups);
        }
    }
    return input;
}

} // namespace glassbox::vulkan
