#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>
#include <span>

namespace glassbox::vulkan
{

class VulkanContext;
class Buffer;

enum class MemoryUsage {
    Device, // weights and activations; mapped too when the device shares memory with the host
    Upload, // host-visible staging the host writes
    Readback, // host-visible (cached where possible) staging the host reads
};

// A window of a buffer that one descriptor binds. A tensor larger than
// DeviceInfo::maxStorageBufferRange lives in one buffer but is bound as several windows.
struct BufferRange {
    const Buffer *buffer = nullptr;
    VkDeviceSize offset = 0;
    VkDeviceSize size = 0;
};

// One VkBuffer with its own memory, usable as storage buffer and copy source/destination.
class Buffer
{
public:
    // Throws glassbox::Error (with the VkResult name) when the size is out of the device's limits or
    // allocation fails.
    Buffer(VulkanContext &context, VkDeviceSize size, MemoryUsage usage);
    ~Buffer();
    Buffer(Buffer &&other) noexcept;
    Buffer &operator=(Buffer &&other) noexcept;
    Buffer(const Buffer &) = delete;
    Buffer &operator=(const Buffer &) = delete;

    VkBuffer handle() const
    {
        return m_buffer;
    }
    VkDeviceSize size() const
    {
        return m_size;
    }
    MemoryUsage usage() const
    {
        return m_usage;
    }
    // Host-visible and coherent, so write/read work without staging.
    bool mapped() const
    {
        return m_mapped != nullptr;
    }

    // Host access to a mapped buffer; throws glassbox::Error if not mapped or out of bounds.
    void write(std::span<const std::byte> data, VkDeviceSize offset = 0);
    void read(std::span<std::byte> out, VkDeviceSize offset = 0) const;

    // The most one descriptor may bind of this buffer (DeviceInfo::maxStorageBufferRange).
    VkDeviceSize maxBindingRange() const
    {
        return m_maxBindingRange;
    }
    // Descriptor offsets must be multiples of this.
    VkDeviceSize bindingAlignment() const
    {
        return m_bindingAlignment;
    }
    BufferRange range(VkDeviceSize offset, VkDeviceSize size) const;
    BufferRange whole() const
    {
        return range(0, m_size);
    }

private:
    void checkBounds(VkDeviceSize offset, VkDeviceSize size, const char *what) const;
    void release();

    VkDevice m_device = VK_NULL_HANDLE;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    std::byte *m_mapped = nullptr;
    VkDeviceSize m_size = 0;
    MemoryUsage m_usage = MemoryUsage::Device;
    VkDeviceSize m_maxBindingRange = 0;
    VkDeviceSize m_bindingAlignment = 1;
};

} // namespace glassbox::vulkan
