#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>
#include <vector>

namespace glassbox::vulkan
{

// Hands out descriptor sets from a growing list of pools; reset() recycles them all at once, which is
// how a CommandSequence is re-recorded.
class DescriptorAllocator
{
public:
    explicit DescriptorAllocator(VkDevice device);
    ~DescriptorAllocator();
    DescriptorAllocator(const DescriptorAllocator &) = delete;
    DescriptorAllocator &operator=(const DescriptorAllocator &) = delete;

    VkDescriptorSet allocate(VkDescriptorSetLayout layout);
    void reset();

private:
    void addPool();

    VkDevice m_device;
    std::vector<VkDescriptorPool> m_pools;
    std::size_t m_current = 0;
};

} // namespace glassbox::vulkan
