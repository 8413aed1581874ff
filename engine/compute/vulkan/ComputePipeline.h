#pragma once

#include "ShaderReflection.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::vulkan
{

class VulkanContext;

struct SpecializationValue {
    std::uint32_t id;
    std::uint32_t value; // raw 32 bits; use std::bit_cast for floats
};

VkDescriptorType descriptorType(DescriptorKind kind);

// A compute pipeline for one embedded shader. Its descriptor set layout (set 0) and push constant
// range come from the shader's reflection, so shaders and host code cannot drift apart silently.
class ComputePipeline
{
public:
    // Throws glassbox::Error for an unknown shader, an unknown specialization constant id, or a
    // workgroup size beyond the device's limits.
    ComputePipeline(VulkanContext &context, std::string_view shaderName, std::vector<SpecializationValue> specialization = {});
    ~ComputePipeline();
    ComputePipeline(const ComputePipeline &) = delete;
    ComputePipeline &operator=(const ComputePipeline &) = delete;

    const std::string &name() const
    {
        return m_name;
    }
    const ShaderReflection &reflection() const
    {
        return m_reflection;
    }
    // The workgroup size after specialization.
    const std::array<std::uint32_t, 3> &localSize() const
    {
        return m_localSize;
    }

    VkPipeline handle() const
    {
        return m_pipeline;
    }
    VkPipelineLayout layout() const
    {
        return m_layout;
    }
    VkDescriptorSetLayout setLayout() const
    {
        return m_setLayout;
    }

private:
    void createLayouts();
    void createPipeline(const std::vector<SpecializationValue> &specialization);
    void destroy();

    VkDevice m_device;
    VkPipelineCache m_cache;
    std::string m_name;
    ShaderReflection m_reflection;
    std::array<std::uint32_t, 3> m_localSize{};
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkPipeline m_pipeline = VK_NULL_HANDLE;
};

} // namespace glassbox::vulkan
