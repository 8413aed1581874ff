#include "VulkanBackend.h"

#include "Transfer.h"
#include "gguf/GgufFile.h"
#include "quant/BlockLayouts.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace glassbox::vulkan
{

using compute::Tensor;
using gguf::TensorType;

namespace
{

std::string pipelineKey(std::string_view shader, std::initializer_list<SpecializationValue> specialization)
{
    std::string key(shader);
    for (const SpecializationValue &value : specialization)
        key += ':' + std::to_string(value.id) + '=' + std::to_string(value.value);
    return key;
}

void requireRows(const Tensor &tensor, std::size_t firstRow, std::size_t count, const char *what)
{
    if (firstRow > tensor.rows() || count > tensor.rows() - firstRow)
        throw std::logic_error(std::string("VulkanBackend::") + what + ": rows out of range");
}

} // namespace

const VulkanTensor &vulkanTensor(const Tensor &tensor)
{
    const auto *vulkan = dynamic_cast<const VulkanTensor *>(&tensor);
    if (!vulkan)
        throw std::logic_error("VulkanBackend was given a tensor of another backend");
    return *vulkan;
}

VulkanTensor &vulkanTensor(Tensor &tensor)
{
    return const_cast<VulkanTensor &>(vulkanTensor(std::as_const(tensor)));
}

VulkanBackend::VulkanBackend(std::optional<std::size_t> deviceIndex)
    : m_context(deviceIndex)
    , m_sequence(m_context)
{
    if (const char *choice = std::getenv("GLASSBOX_VK_ATTENTION"); choice && std::string_view(choice) == "online")
        m_attentionKernel = AttentionKernel::Online;
    m_kernels = m_context.info().type == VK_PHYSICAL_DEVICE_TYPE_CPU ? KernelFamily::CpuDriver : KernelFamily::Gpu;
    if (const char *choice = std::getenv("GLASSBOX_VK_KERNELS")) {
        if (std::string_view(choice) == "gpu")
            m_kernels = KernelFamily::Gpu;
        else if (std::string_view(choice) == "cpu")
            m_kernels = KernelFamily::CpuDriver;
    }
}

VulkanBackend::~VulkanBackend()
{
    try {
        flush();
    } catch (const Error &) {
        // A lost device has nothing left to wait for; the buffers are freed either way.
    }
}

bool VulkanBackend::supportsWeightType(TensorType type) const
{
    return quant::isSupportedWeightType(type);
}

std::unique_ptr<Tensor> VulkanBackend::weight(const gguf::TensorInfo &info)
{
    if (info.dims.empty() || info.dims.size() > 2)
        throw Error("tensor " + info.name + " has " + std::to_string(info.dims.size()) + " dimensions, the Vulkan backend expects 1 or 2");
    quant::requireSupported(info.type, info.name);
    const std::size_t cols = info.rowLength();
    const std::size_t rows = info.rowCount();
    const std::size_t rowBytes = quant::rowBytes(info.type, static_cast<std::int64_t>(cols));
    if (rowBytes * rows > info.byteSize)
        throw Error("tensor " + info.name + " is shorter than its shape says");
    auto tensor = std::make_unique<VulkanTensor>(*this, info.type, rows, cols, rowBytes, true);
    const auto data = std::span(reinterpret_cast<const std::byte *>(info.data), rows * rowBytes);
    if (tensor->buffer().mapped()) {
        tensor->buffer().write(data);
    } else {
        // The copies are waited for at the next flush, before anything can read the weights.
        if (!m_staging)
            m_staging.emplace(m_context);
        m_staging->upload(tensor->buffer(), data);
    }
    return tensor;
}

std::unique_ptr<Tensor> VulkanBackend::create(TensorType type, std::size_t rows, std::size_t cols)
{
    // Q8_0 is a KV cache option (attention reads it, copyRows writes it), in whole blocks.
    if (type != TensorType::F32 && type != TensorType::F16 && !(type == TensorType::Q8_0 && cols % quant::kQK == 0))
        throw std::logic_error("VulkanBackend: working tensors are F32 or F16, or Q8_0 of whole blocks");
    auto tensor = std::make_unique<VulkanTensor>(*this, type, rows, cols, quant::rowBytes(type, static_cast<std::int64_t>(cols)));
    // Fresh device memory holds whatever was there before; the interface promises zeros.
    m_sequence.fill(tensor->buffer(), 0, tensor->buffer().size(), 0);
    return tensor;
}

void VulkanBackend::read(const Tensor &tensor, std::size_t firstRow, std::size_t count, float *out)
{
    const VulkanTensor &t = vulkanTensor(tensor);
    if (t.type() != TensorType::F32)
        throw std::logic_error("VulkanBackend::read: only F32 tensors");
    requireRows(t, firstRow, count, "read");
    if (count == 0)
        return;
    flush();
    download(m_context, t.buffer(), std::as_writable_bytes(std::span(out, count * t.cols())), firstRow * t.rowBytes());
}

void VulkanBackend::write(Tensor &tensor, std::size_t firstRow, std::size_t count, const float *values)
{
    VulkanTensor &t = vulkanTensor(tensor);
    if (t.type() != TensorType::F32)
        throw std::logic_error("VulkanBackend::write: only F32 tensors");
    requireRows(t, firstRow, count, "write");
    if (count == 0)
        return;
    // Recorded commands may still read or write these rows.
    flush();
    upload(m_context, t.buffer(), std::as_bytes(std::span(values, count * t.cols())), firstRow * t.rowBytes());
}

void VulkanBackend::flush()
{
    if (m_staging)
        m_staging->finish();
    m_sequence.run();
    const auto &timings = m_sequence.timings();
    m_profile.insert(m_profile.end(), timings.begin(), timings.end());
    m_sequence.reset();
    m_retired.clear();
}

void VulkanBackend::setProfiling(bool on)
{
    flush();
    m_sequence.setProfiling(on);
}

std::vector<CommandSequence::DispatchTime> VulkanBackend::takeProfile()
{
    flush();
    return std::exchange(m_profile, {});
}

void VulkanBackend::account(const VulkanTensor &tensor, bool weight, bool allocated)
{
    const bool cache = tensor.type() == TensorType::F16 || tensor.type() == TensorType::Q8_0;
    std::uint64_t &counter = weight ? m_memory.weights : cache ? m_memory.caches : m_memory.scratch;
    if (allocated)
        counter += tensor.buffer().size();
    else
        counter -= tensor.buffer().size();
}

void VulkanBackend::retire(Buffer &&buffer)
{
    m_retired.push_back(std::move(buffer));
}

const ComputePipeline &VulkanBackend::pipeline(std::string_view shader, std::initializer_list<SpecializationValue> specialization)
{
    const std::string key = pipelineKey(shader, specialization);
    auto found = m_pipelines.find(key);
    if (found == m_pipelines.end())
        found = m_pipelines.emplace(key, std::make_unique<ComputePipeline>(m_context, shader, std::vector(specialization))).first;
    return *found->second;
}

std::array<std::uint32_t, 3> VulkanBackend::groupsFor(std::size_t count) const
{
    const std::size_t limit = m_context.info().maxComputeWorkGroupCount[0];
    const std::size_t x = std::clamp<std::size_t>(count, 1, limit);
    return {std::uint32_t(x), std::uint32_t((count + x - 1) / x), 1};
}

} // namespace glassbox::vulkan
