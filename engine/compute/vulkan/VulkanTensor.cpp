#include "VulkanTensor.h"

#include "VulkanBackend.h"
#include "util/Error.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace glassbox::vulkan
{

namespace
{

std::vector<TensorWindow> splitIntoWindows(const Buffer &buffer, std::size_t rows, std::size_t rowBytes, const DeviceInfo &info)
{
    // Also aligned for a 16-byte texel view: CPU drivers read weights as texels (CommandSequence::texelView).
    const std::size_t alignment =
        std::lcm(std::max<std::size_t>(buffer.bindingAlignment(), 1), std::lcm<std::size_t>(std::max<std::size_t>(info.minTexelBufferOffsetAlignment, 1), 16));
    // Window starts must be aligned, so windows hold a multiple of this many rows.
    const std::size_t rowStep = alignment / std::gcd(alignment, rowBytes);
    // Less three bytes: a window is rounded up to whole 32-bit words.
    const std::size_t fitting = (buffer.maxBindingRange() - 3) / rowBytes;
    const std::size_t windowRows = fitting / rowStep * rowStep;
    if (windowRows == 0)
        throw Error("a tensor row of " + std::to_string(rowBytes) + " bytes does not fit one Vulkan binding");
    std::vector<TensorWindow> windows;
    for (std::size_t first = 0; first < rows; first += windowRows) {
        const std::size_t count = std::min(windowRows, rows - first);
        const std::size_t offset = first * rowBytes;
        const std::size_t bytes = std::min<std::size_t>((count * rowBytes + 3) / 4 * 4, buffer.size() - offset);
        windows.push_back({first, count, buffer.range(offset, bytes)});
    }
    return windows;
}

} // namespace

VulkanTensor::VulkanTensor(VulkanBackend &backend, gguf::TensorType type, std::size_t rows, std::size_t cols, std::size_t rowBytes, bool weight)
    : Tensor(type, rows, cols)
    , m_backend(backend)
    , m_rowBytes(rowBytes)
    , m_weight(weight)
    // Rounded up to whole words: shaders address every buffer as 32-bit words.
    , m_buffer(backend.context(), (std::max<std::size_t>(rows * rowBytes, 4) + 3) / 4 * 4, MemoryUsage::Device)
    , m_windows(splitIntoWindows(m_buffer, std::max<std::size_t>(rows, 1), rowBytes, backend.context().info()))
{
    m_backend.account(*this, m_weight, true);
}

VulkanTensor::~VulkanTensor()
{
    m_backend.account(*this, m_weight, false);
    m_backend.retire(std::move(m_buffer));
}

BufferRange VulkanTensor::whole() const
{
    if (m_windows.size() != 1)
        throw Error("a " + std::to_string(rows()) + " x " + std::to_string(cols()) + " tensor is larger than one Vulkan binding ("
                    + std::to_string(m_buffer.maxBindingRange()) + " bytes) and this operation cannot split it");
    return m_buffer.range(0, m_buffer.size());
}

} // namespace glassbox::vulkan
