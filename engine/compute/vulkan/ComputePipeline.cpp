#include "ComputePipeline.h"

#include "ShaderLibrary.h"
#include "VulkanContext.h"
#include "VulkanError.h"
#include "util/Error.h"

#include <algorithm>

namespace glassbox::vulkan
{

VkDescriptorType descriptorType(DescriptorKind kind)
{
    switch (kind) {
    case DescriptorKind::StorageBuffer:
        return VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    case DescriptorKind::UniformBuffer:
        return VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    case DescriptorKind::StorageTexelBuffer:
        return VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
    }
    return VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
}

ComputePipeline::ComputePipeline(VulkanContext &context, std::string_view shaderName, std::vector<SpecializationValue> specialization)
    : m_device(context.device())
    , m_cache(context.pipelineCache().handle())
    , m_name(shaderName)
    , m_reflection(ShaderReflection::reflect(ShaderLibrary::spirv(shaderName)))
    , m_localSize(m_reflection.localSize)
{
    const auto &declared = m_reflection.specializationConstants;
    const auto has = [](const auto &constants, std::uint32_t id) {
        return std::any_of(constants.begin(), constants.end(), [id](const auto &constant) {
            return constant.id == id;
        });
    };
    for (const SpecializationValue &value : specialization) {
        if (!has(declared, value.id))
            throw Error("Shader " + m_name + " has no specialization constant " + std::to_string(value.id));
        for (std::size_t axis = 0; axis < 3; ++axis) {
            if (m_reflection.localSizeIds[axis] == value.id)
                m_localSize[axis] = value.value;
        }
    }
    // ggml_float.glsl's FUSED_FMA is the device's to say, for every shader that includes it.
    constexpr std::uint32_t kFusedFmaConstant = 16;
    if (has(declared, kFusedFmaConstant) && !has(specialization, kFusedFmaConstant))
        specialization.push_back({kFusedFmaConstant, context.fusedFma() ? 1u : 0u});
    const DeviceInfo &info = context.info();
    const std::uint64_t invocations = std::uint64_t(m_localSize[0]) * m_localSize[1] * m_localSize[2];
    for (std::size_t axis = 0; axis < 3; ++axis) {
        if (m_localSize[axis] == 0 || m_localSize[axis] > info.maxComputeWorkGroupSize[axis] || invocations > info.maxComputeWorkGroupInvocations)
            throw Error("Workgroup size " + std::to_string(m_localSize[0]) + "x" + std::to_string(m_localSize[1]) + "x" + std::to_string(m_localSize[2])
                        + " of shader " + m_name + " exceeds the limits of " + info.name);
    }
    if (m_reflection.pushConstantSize > info.maxPushConstantsSize)
        throw Error("Shader " + m_name + " needs more push constant space than " + info.name + " has");
    for (const DescriptorBinding &binding : m_reflection.bindings) {
        if (binding.set != 0)
            throw Error("Shader " + m_name + " uses descriptor set " + std::to_string(binding.set) + "; only set 0 is supported");
    }
    try {
        createLayouts();
        createPipeline(specialization);
    } catch (...) {
        destroy();
        throw;
    }
}

ComputePipeline::~ComputePipeline()
{
    destroy();
}

void ComputePipeline::destroy()
{
    vkDestroyPipeline(m_device, m_pipeline, nullptr);
    vkDestroyPipelineLayout(m_device, m_layout, nullptr);
    vkDestroyDescriptorSetLayout(m_device, m_setLayout, nullptr);
}

void ComputePipeline::createLayouts()
{
    std::vector<VkDescriptorSetLayoutBinding> bindings;
    for (const DescriptorBinding &binding : m_reflection.bindings) {
        VkDescriptorSetLayoutBinding layoutBinding{};
        layoutBinding.binding = binding.binding;
        layoutBinding.descriptorType = descriptorType(binding.kind);
        layoutBinding.descriptorCount = 1;
        layoutBinding.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
        bindings.push_back(layoutBinding);
    }
    VkDescriptorSetLayoutCreateInfo setInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.bindingCount = static_cast<std::uint32_t>(bindings.size());
    setInfo.pBindings = bindings.data();
    check(vkCreateDescriptorSetLayout(m_device, &setInfo, nullptr, &m_setLayout), "Creating the descriptor set layout of " + m_name);

    const VkPushConstantRange pushRange{VK_SHADER_STAGE_COMPUTE_BIT, 0, m_reflection.pushConstantSize};
    VkPipelineLayoutCreateInfo layoutInfo{.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &m_setLayout;
    layoutInfo.pushConstantRangeCount = m_reflection.pushConstantSize ? 1 : 0;
    layoutInfo.pPushConstantRanges = &pushRange;
    check(vkCreatePipelineLayout(m_device, &layoutInfo, nullptr, &m_layout), "Creating the pipeline layout of " + m_name);
}

void ComputePipeline::createPipeline(const std::vector<SpecializationValue> &specialization)
{
    const std::span<const std::uint32_t> spirv = ShaderLibrary::spirv(m_name);
    VkShaderModuleCreateInfo moduleInfo{.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    moduleInfo.codeSize = spirv.size_bytes();
    moduleInfo.pCode = spirv.data();
    VkShaderModule module = VK_NULL_HANDLE;
    check(vkCreateShaderModule(m_device, &moduleInfo, nullptr, &module), "Creating the shader module " + m_name);

    std::vector<VkSpecializationMapEntry> entries;
    std::vector<std::uint32_t> data;
    for (const SpecializationValue &value : specialization) {
        entries.push_back({value.id, static_cast<std::uint32_t>(data.size() * sizeof(std::uint32_t)), sizeof(std::uint32_t)});
        data.push_back(value.value);
    }
    VkSpecializationInfo specializationInfo{};
    specializationInfo.mapEntryCount = static_cast<std::uint32_t>(entries.size());
    specializationInfo.pMapEntries = entries.data();
    specializationInfo.dataSize = data.size() * sizeof(std::uint32_t);
    specializationInfo.pData = data.data();

    VkComputePipelineCreateInfo pipelineInfo{.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipelineInfo.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipelineInfo.stage.module = module;
    pipelineInfo.stage.pName = "main";
    pipelineInfo.stage.pSpecializationInfo = &specializationInfo;
    pipelineInfo.layout = m_layout;
    const VkResult result = vkCreateComputePipelines(m_device, m_cache, 1, &pipelineInfo, nullptr, &m_pipeline);
    // The pipeline keeps what it needs; the module can go right away.
    vkDestroyShaderModule(m_device, module, nullptr);
    check(result, "Creating the compute pipeline " + m_name);
}

} // namespace glassbox::vulkan
