#include "DescriptorAllocator.h"

#include "VulkanError.h"

namespace glassbox::vulkan
{

namespace
{

// Sized for a transformer layer's worth of dispatches; more pools are added when needed.
constexpr std::uint32_t kSetsPerPool = 256;
constexpr std::uint32_t kStorageBuffersPerSet = 8;
constexpr std::uint32_t kUniformBuffersPerSet = 1;
constexpr std::uint32_t kTexelBuffersPerSet = 1;

} // namespace

DescriptorAllocator::DescriptorAllocator(VkDevice device)
    : m_device(device)
{
}

DescriptorAllocator::~DescriptorAllocator()
{
    for (VkDescriptorPool pool : m_pools)
        vkDestroyDescriptorPool(m_device, pool, nullptr);
}

void DescriptorAllocator::addPool()
{
    const VkDescriptorPoolSize sizes[] = {
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kStorageBuffersPerSet},
        {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kSetsPerPool * kUniformBuffersPerSet},
        {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, kSetsPerPool * kTexelBuffersPerSet},
    };
    VkDescriptorPoolCreateInfo createInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    createInfo.maxSets = kSetsPerPool;
    createInfo.poolSizeCount = 3;
    createInfo.pPoolSizes = sizes;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    check(vkCreateDescriptorPool(m_device, &createInfo, nullptr, &pool), "Creating a descriptor pool");
    m_pools.push_back(pool);
}

VkDescriptorSet DescriptorAllocator::allocate(VkDescriptorSetLayout layout)
{
    VkDescriptorSetAllocateInfo allocateInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    allocateInfo.descriptorSetCount = 1;
    allocateInfo.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    for (;; ++m_current) {
        const bool fresh = m_current == m_pools.size();
        if (fresh)
            addPool();
        allocateInfo.descriptorPool = m_pools[m_current];
        const VkResult result = vkAllocateDescriptorSets(m_device, &allocateInfo, &set);
        if (result == VK_SUCCESS)
            return set;
        // A fresh pool failing means the set itself is too big: give up rather than loop.
        if ((result != VK_ERROR_OUT_OF_POOL_MEMORY && result != VK_ERROR_FRAGMENTED_POOL) || fresh)
            check(result, "Allocating a descriptor set");
    }
}

void DescriptorAllocator::reset()
{
    for (VkDescriptorPool pool : m_pools)
        check(vkResetDescriptorPool(m_device, pool, 0), "Resetting a descriptor pool");
    m_current = 0;
}

} // namespace glassbox::vulkan
