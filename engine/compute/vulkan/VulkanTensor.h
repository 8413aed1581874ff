#pragma once

#include "Buffer.h"
#include "compute/ComputeBackend.h"

#include <cstddef>
#include <span>
#include <vector>

namespace glassbox::vulkan
{

class VulkanBackend;

// Rows [firstRow, firstRow + rows) of a tensor, bindable by one descriptor.
struct TensorWindow {
    std::size_t firstRow = 0;
    std::size_t rows = 0;
    BufferRange range;
};

// A tensor in one device buffer. A descriptor sees at most maxStorageBufferRange bytes (128 MiB on
// lavapipe), so a larger tensor is bound in windows of whole rows whose offsets meet the binding
// alignment; ops that can meet such a tensor (embedding tables, output projections, logits) loop
// over windows, the others require a single one.
class VulkanTensor final : public compute::Tensor
{
public:
    // weight: counted as model weights rather than working memory (VulkanBackend::memoryUse).
    VulkanTensor(VulkanBackend &backend, gguf::TensorType type, std::size_t rows, std::size_t cols, std::size_t rowBytes, bool weight = false);
    // Hands the buffer back to the backend, which frees it once no recorded command uses it.
    ~VulkanTensor() override;

    std::size_t rowBytes() const
    {
        return m_rowBytes;
    }
    Buffer &buffer()
    {
        return m_buffer;
    }
    const Buffer &buffer() const
    {
        return m_buffer;
    }
    std::span<const TensorWindow> windows() const
    {
        return m_windows;
    }
    // The whole tensor as one binding; throws glassbox::Error when it needs several.
    BufferRange whole() const;

private:
    VulkanBackend &m_backend;
    std::size_t m_rowBytes;
    bool m_weight;
    Buffer m_buffer;
    std::vector<TensorWindow> m_windows;
};

} // namespace glassbox::vulkan
