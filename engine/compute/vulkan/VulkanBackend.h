#pragma once

#include "Buffer.h"
#include "CommandSequence.h"
#include "ComputePipeline.h"
#include "StagingRing.h"
#include "VulkanContext.h"
#include "VulkanTensor.h"
#include "compute/ComputeBackend.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace glassbox::vulkan
{

// The GPU backend: every op records a compute dispatch into one command sequence, which is
// submitted only when the host needs a result (read, write, or a tensor's memory must be reused),
// so a whole forward pass is one submission. Weights are uploaded once, in their file's block
// format; shaders dequantize on the fly.
class VulkanBackend final : public compute::ComputeBackend
{
public:
    // See VulkanContext for how the device is chosen.
    explicit VulkanBackend(std::optional<std::size_t> deviceIndex = std::nullopt);
    ~VulkanBackend() override;

    std::string_view name() const override
    {
        return "vulkan";
    }
    VulkanContext &context()
    {
        return m_context;
    }
    bool supportsWeightType(gguf::TensorType type) const override;

    std::unique_ptr<compute::Tensor> weight(const gguf::TensorInfo &info) override;
    std::unique_ptr<compute::Tensor> create(gguf::TensorType type, std::size_t rows, std::size_t cols) override;
    void read(const compute::Tensor &tensor, std::size_t firstRow, std::size_t count, float *out) override;
    void write(compute::Tensor &tensor, std::size_t firstRow, std::size_t count, const float *values) override;

    void embed(const compute::Tensor &table, std::span<const std::int32_t> tokens, compute::Tensor &out) override;
    void rmsNorm(const compute::Tensor &x, const compute::Tensor &gain, float eps, compute::Tensor &out) override;
    void matmul(const compute::Tensor &weight, const compute::Tensor &x, compute::Tensor &out) override;
    void rope(compute::Tensor &x, std::size_t heads, std::span<const std::int32_t> positions, const compute::RopeParams &params) override;
    void copyRows(const compute::Tensor &src, std::size_t srcRow, compute::Tensor &dst, std::size_t dstRow, std::size_t count) override;
    void attention(const compute::Tensor &q,
                   const compute::Tensor &kCache,
                   const compute::Tensor &vCache,
                   std::size_t heads,
                   std::size_t kvHeads,
                   std::span<const std::int32_t> positions,
                   const compute::AttentionParams &params,
                   compute::Tensor &out,
                   const compute::AttentionProbabilities *probabilities) override;
    void swiglu(compute::Tensor &gate, const compute::Tensor &up) override;
    void add(compute::Tensor &x, const compute::Tensor &y) override;

    void layerNorm(const compute::Tensor &x, const compute::Tensor &gain, const compute::Tensor &bias, float eps, compute::Tensor &out) override;
    void headRmsNorm(compute::Tensor &x, std::size_t heads, const compute::Tensor &gain, float eps) override;
    void addBias(compute::Tensor &x, const compute::Tensor &bias) override;
    void scale(compute::Tensor &x, float factor) override;
    void softcap(compute::Tensor &x, float cap) override;
    void gelu(compute::Tensor &x) override;
    void geglu(compute::Tensor &gate, const compute::Tensor &up) override;
    void sliceColumns(const compute::Tensor &src, std::size_t firstCol, compute::Tensor &out) override;

    void matmuls(const compute::NormedInput &input, std::span<const compute::MatmulTarget> targets) override;
    void matmulAdd(const compute::Tensor &weight, const compute::Tensor &x, compute::Tensor &accumulator) override;
    void addNormalized(const compute::NormedInput &input, compute::Tensor &accumulator) override;
    void gatedMatmul(const compute::Tensor &gate,
                     const compute::Tensor &up,
                     const compute::NormedInput &input,
                     compute::GateActivation activation,
                     compute::Tensor &out) override;
    void ropeAndStore(compute::Tensor &q,
                      compute::Tensor &k,
                      const compute::Tensor &v,
                      std::size_t heads,
                      std::size_t kvHeads,
                      std::span<const std::int32_t> positions,
                      const compute::RopeParams &params,
                      compute::Tensor &kCache,
                      compute::Tensor &vCache,
                      std::size_t cacheRow,
                      const compute::HeadNorms *norms) override;

    // Submits what has been recorded and waits for it.
    void flush();

    // The kernel attention() records: Exact (the default) rounds bit for bit as the CPU reference
    // does (GgmlAttention.h), which the quantized models need to agree with it (their 8-bit
    // activations turn last-bit differences into flipped roundings); Online (online softmax, long
    // caches split among workgroups) costs a sixth to a tenth as much on lavapipe and differs in the
    // last bits. GLASSBOX_VK_ATTENTION=online chooses it at start.
    enum class AttentionKernel { Exact, Online };
    void setAttentionKernel(AttentionKernel kernel)
    {
        m_attentionKernel = kernel;
    }

    // Which matmul and embedding kernels run: those for CPU drivers such as lavapipe (a weight row
    // per invocation, texel loads) or those for GPUs (a row's blocks spread over a workgroup,
    // subgroup reductions, shared-memory tiles); both add up the quantized types' products in the
    // CPU backend's integer lane sums. The device type chooses; GLASSBOX_VK_KERNELS=gpu or cpu
    // overrides it at start, which is how the GPU kernels are tested on a CPU driver.
    enum class KernelFamily { CpuDriver, Gpu };
    KernelFamily kernelFamily() const
    {
        return m_kernels;
    }

    // Times every dispatch from now on (timestamp queries); takeProfile() hands over what was timed.
    void setProfiling(bool on);
    std::vector<CommandSequence::DispatchTime> takeProfile();

    // Device memory held by tensors, by role.
    struct MemoryUse {
        std::uint64_t weights = 0;
        std::uint64_t caches = 0; // F16 and Q8_0 tensors: the KV cache
        std::uint64_t scratch = 0; // F32 activations
    };
    MemoryUse memoryUse() const
    {
        return m_memory;
    }
    // Keeps a tensor's buffer alive until the recorded commands that may use it have run.
    void retire(Buffer &&buffer);
    // Called by VulkanTensor as it comes and goes, for memoryUse().
    void account(const VulkanTensor &tensor, bool weight, bool allocated);

private:
    // The pipeline for a shader with the given specialization constants, created on first use.
    const ComputePipeline &pipeline(std::string_view shader, std::initializer_list<SpecializationValue> specialization = {});
    // Records one dispatch; push is the shader's push constant block.
    template<typename Push>
    void dispatch(const ComputePipeline &pipeline, std::initializer_list<BufferRange> buffers, const Push &push, std::array<std::uint32_t, 3> groups)
    {
        m_sequence.dispatch(pipeline, std::span(buffers.begin(), buffers.size()), push, groups);
    }
    // Records a dispatch of one workgroup per item, folding counts beyond the device's limit into
    // the second grid axis (shaders compute item = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x
    // and return when item >= count).
    std::array<std::uint32_t, 3> groupsFor(std::size_t count) const;
    // rmsNorm, and addNormalized when accumulator is set (VulkanRowOps.cpp).
    void normalizeRows(const compute::NormedInput &input, compute::Tensor *accumulator);
    // Records op `op` of shaders/elementwise.comp on x; other is its second operand (x itself for
    // the unary ops), value its scalar.
    void elementwise(std::uint32_t op, compute::Tensor &x, const compute::Tensor &other, float value);
    // The CPU backend's GELU of every half, which shaders/gelu.glsl looks up; uploaded on first use.
    const Buffer &geluTable();
    // x as a matmul shader reads it: rounded for the weight type as the CPU backend rounds it (by the
    // quantize_input module named in `rounding`, empty when x is read as it is).
    struct MatmulInput {
        BufferRange range;
        std::size_t stride = 0; // floats per row
        std::string rounding;
    };
    bool cpuKernels() const
    {
        return m_kernels == KernelFamily::CpuDriver;
    }
    // The quantize_input module a weight type's matmul needs, empty if none.
    std::string inputRoundingFor(gguf::TensorType weightType) const;
    // Records the rounding of x for a weight type, if it needs one. With `norm`, x is norm->x, and
    // is RMS-normalized into norm->normed first: by the same dispatch where there is a rounding.
    MatmulInput matmulInput(const VulkanTensor &x, gguf::TensorType weightType, const compute::NormedInput *norm = nullptr);
    // What a matmul does with its result (shaders/matmul_output.glsl).
    enum class MatmulOutput : std::uint32_t { Store, Accumulate, Swiglu, Geglu };
    MatmulInput multiply(const VulkanTensor &weight, const VulkanTensor &x, const std::optional<MatmulInput> &rounded, VulkanTensor &out, MatmulOutput mode);
    // The cosines and sines rope() turns a batch by: computed on the host once per set of positions
    // and rope shape, then shared by every layer's queries and keys of the forward pass.
    BufferRange ropeAngles(std::span<const std::int32_t> positions, const compute::RopeParams &params);

    VulkanContext m_context;
    CommandSequence m_sequence;
    std::map<std::string, std::unique_ptr<ComputePipeline>, std::less<>> m_pipelines;
    std::vector<Buffer> m_retired;
    std::vector<CommandSequence::DispatchTime> m_profile;
    MemoryUse m_memory;
    std::optional<Buffer> m_matmulInput; // x rounded for the weight type (VulkanMatmul.cpp), grown as needed
    std::optional<StagingRing> m_staging; // weight uploads to memory the host cannot map; made on first need
    AttentionKernel m_attentionKernel = AttentionKernel::Exact;
    KernelFamily m_kernels = KernelFamily::Gpu;
    struct RopeAngles {
        std::vector<std::int32_t> positions;
        Buffer buffer;
    };
    // By (dims, base, scale): Gemma's local and global layers rotate with different bases.
    std::map<std::tuple<std::size_t, float, float>, RopeAngles> m_ropeAngles;
    std::optional<Buffer> m_geluTable; // geluTable()
};

// The VulkanTensor behind a Tensor this backend made; throws std::logic_error for another backend's.
const VulkanTensor &vulkanTensor(const compute::Tensor &tensor);
VulkanTensor &vulkanTensor(compute::Tensor &tensor);

} // namespace glassbox::vulkan
