#include "Buffer.h"

#include "VulkanContext.h"
#include "VulkanError.h"
#include "util/Error.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace glassbox::vulkan
{

namespace
{

constexpr VkMemoryPropertyFlags kHostCoherent = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

} // namespace

Buffer::Buffer(VulkanContext &context, VkDeviceSize size, MemoryUsage usage)
    : m_device(context.device())
    , m_size(size)
    , m_usage(usage)
    // A binding may also be read as 16-byte texels (the weights of matmul_rows and matmul_ordered).
    , m_maxBindingRange(std::min<VkDeviceSize>(context.info().maxStorageBufferRange, VkDeviceSize(context.info().maxTexelBufferElements) * 16))
    , m_bindingAlignment(context.info().minStorageBufferOffsetAlignment)
{
    const DeviceInfo &info = context.info();
    if (size == 0)
        throw Error("Cannot create an empty Vulkan buffer");
    if (info.maxMemoryAllocationSize && size > info.maxMemoryAllocationSize)
        throw Error("A buffer of " + std::to_string(size) + " bytes exceeds the largest allocation of " + info.name + " ("
                    + std::to_string(info.maxMemoryAllocationSize) + " bytes)");

    VkBufferCreateInfo createInfo{.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    // Whole 16-byte texels, so a texel buffer view can cover the last bytes (CommandSequence::texelView).
    createInfo.size = (size + 15) / 16 * 16;
    // Texel buffer use: CPU drivers read weights faster through texel fetches (VulkanTensor::texels).
    createInfo.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT
                       | VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    createInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(m_device, &createInfo, nullptr, &m_buffer), "Creating a Vulkan buffer");

    try {
        VkMemoryRequirements requirements;
        vkGetBufferMemoryRequirements(m_device, m_buffer, &requirements);
        std::uint32_t type = 0;
        switch (usage) {
        case MemoryUsage::Device:
            type = context.memoryType(requirements.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
            break;
        case MemoryUsage::Upload:
            type = context.memoryType(requirements.memoryTypeBits, kHostCoherent, 0);
            break;
        case MemoryUsage::Readback:
            type = context.memoryType(requirements.memoryTypeBits, kHostCoherent, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
            break;
        }
        VkMemoryAllocateInfo allocateInfo{.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        allocateInfo.allocationSize = requirements.size;
        allocateInfo.memoryTypeIndex = type;
        check(vkAllocateMemory(m_device, &allocateInfo, nullptr, &m_memory), "Allocating " + std::to_string(requirements.size) + " bytes of Vulkan memory");
        check(vkBindBufferMemory(m_device, m_buffer, m_memory, 0), "Binding Vulkan buffer memory");
        // Unified memory (integrated GPUs, lavapipe) lets the host fill device buffers directly.
        if ((context.memoryFlags(type) & kHostCoherent) == kHostCoherent) {
            void *pointer = nullptr;
            check(vkMapMemory(m_device, m_memory, 0, VK_WHOLE_SIZE, 0, &pointer), "Mapping Vulkan memory");
            m_mapped = static_cast<std::byte *>(pointer);
        }
    } catch (...) {
        release();
        throw;
    }
}

Buffer::~Buffer()
{
    release();
}

Buffer::Buffer(Buffer &&other) noexcept
{
    *this = std::move(other);
}

Buffer &Buffer::operator=(Buffer &&other) noexcept
{
    if (this != &other) {
        release();
        m_device = std::exchange(other.m_device, VK_NULL_HANDLE);
        m_buffer = std::exchange(other.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, VK_NULL_HANDLE);
        m_mapped = std::exchange(other.m_mapped, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_usage = other.m_usage;
        m_maxBindingRange = other.m_maxBindingRange;
        m_bindingAlignment = other.m_bindingAlignment;
    }
    return *this;
}

void Buffer::release()
{
    if (!m_device)
        return;
    // Freeing mapped memory unmaps it implicitly.
    vkDestroyBuffer(m_device, m_buffer, nullptr);
    vkFreeMemory(m_device, m_memory, nullptr);
    m_buffer = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
    m_mapped = nullptr;
}

void Buffer::checkBounds(VkDeviceSize offset, VkDeviceSize size, const char *what) const
{
    if (offset > m_size || size > m_size - offset)
        throw Error(std::string(what) + " of " + std::to_string(size) + " bytes at offset " + std::to_string(offset) + " is outside a buffer of "
                    + std::to_string(m_size) + " bytes");
}

void Buffer::write(std::span<const std::byte> data, VkDeviceSize offset)
{
    if (!m_mapped)
        throw Error("Buffer::write needs a host-visible buffer; use upload() for device memory");
    checkBounds(offset, data.size(), "A write");
    std::memcpy(m_mapped + offset, data.data(), data.size());
}

void Buffer::read(std::span<std::byte> out, VkDeviceSize offset) const
{
    if (!m_mapped)
        throw Error("Buffer::read needs a host-visible buffer; use download() for device memory");
    checkBounds(offset, out.size(), "A read");
    std::memcpy(out.data(), m_mapped + offset, out.size());
}

BufferRange Buffer::range(VkDeviceSize offset, VkDeviceSize size) const
{
    checkBounds(offset, size, "A range");
    return {this, offset, size};
}

} // namespace glassbox::vulkan
