// How fast a shader can stream a large weight buffer on the current Vulkan device, for each way of
// declaring it (storage buffer of uint or uvec4, uniform or storage texel buffer, subgroup-coalesced
// reads): the bench_load_* shaders, each invocation reading one row as matmul_rows does on CPU
// drivers. Usage: glassbox-bench-vulkan-load [--repeats N] [--row-bytes B] [--mib M] [--only NAME]

#include "compute/vulkan/Buffer.h"
#include "compute/vulkan/ShaderLibrary.h"
#include "compute/vulkan/VulkanContext.h"
#include "compute/vulkan/VulkanError.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace glassbox::vulkan;

namespace
{

struct Variant {
    const char *shader;
    VkDescriptorType type;
    VkFormat format; // of the texel buffer view
};

const Variant kVariants[] = {
    {"bench_load_ssbo_uint", VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, VK_FORMAT_UNDEFINED},
    {"bench_load_ssbo_restrict", VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, VK_FORMAT_UNDEFINED},
    {"bench_load_ssbo_uvec4", VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, VK_FORMAT_UNDEFINED},
    {"bench_load_ssbo_coalesced", VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, VK_FORMAT_UNDEFINED},
    {"bench_load_texel_r32", VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_FORMAT_R32_UINT},
    {"bench_load_texel_rgba32", VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_FORMAT_R32G32B32A32_UINT},
    {"bench_load_texel_coalesced", VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, VK_FORMAT_R32_UINT},
    {"bench_load_image_r32", VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, VK_FORMAT_R32_UINT},
    {"bench_load_image_rgba32", VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, VK_FORMAT_R32G32B32A32_UINT},
};

struct Push {
    std::uint32_t rowWords;
    std::uint32_t rows;
};

// Seconds per dispatch over the whole buffer, `repeats` dispatches in one submission.
double timeVariant(VulkanContext &context, const Variant &variant, const Buffer &weight, const Buffer &output, Push push, int repeats)
{
    const VkDevice device = context.device();
    const VkDescriptorSetLayoutBinding bindings[] = {
        {0, variant.type, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
    };
    VkDescriptorSetLayoutCreateInfo setInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.bindingCount = 2;
    setInfo.pBindings = bindings;
    VkDescriptorSetLayout setLayout;
    check(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &setLayout), "set layout");
    const VkPushConstantRange pushRange{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(Push)};
    VkPipelineLayoutCreateInfo layoutInfo{.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &setLayout;
    layoutInfo.pushConstantRangeCount = 1;
    layoutInfo.pPushConstantRanges = &pushRange;
    VkPipelineLayout layout;
    check(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout), "pipeline layout");
    const auto spirv = ShaderLibrary::spirv(variant.shader);
    VkShaderModuleCreateInfo moduleInfo{.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    moduleInfo.codeSize = spirv.size_bytes();
    moduleInfo.pCode = spirv.data();
    VkShaderModule module;
    check(vkCreateShaderModule(device, &moduleInfo, nullptr, &module), "shader module");
    VkComputePipelineCreateInfo pipelineInfo{.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipelineInfo.stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipelineInfo.stage.module = module;
    pipelineInfo.stage.pName = "main";
    pipelineInfo.layout = layout;
    VkPipeline pipeline;
    check(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipelineInfo, nullptr, &pipeline), "pipeline");

    const VkDescriptorPoolSize sizes[] = {{variant.type, 1}, {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1}};
    VkDescriptorPoolCreateInfo poolInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    poolInfo.maxSets = 1;
    poolInfo.poolSizeCount = 2;
    poolInfo.pPoolSizes = sizes;
    VkDescriptorPool pool;
    check(vkCreateDescriptorPool(device, &poolInfo, nullptr, &pool), "pool");
    VkDescriptorSetAllocateInfo allocateInfo{.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    allocateInfo.descriptorPool = pool;
    allocateInfo.descriptorSetCount = 1;
    allocateInfo.pSetLayouts = &setLayout;
    VkDescriptorSet set;
    check(vkAllocateDescriptorSets(device, &allocateInfo, &set), "set");
    VkBufferView view = VK_NULL_HANDLE;
    const VkDescriptorBufferInfo weightInfo{weight.handle(), 0, weight.size()};
    const VkDescriptorBufferInfo outputInfo{output.handle(), 0, output.size()};
    VkWriteDescriptorSet writes[2] = {{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET}, {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET}};
    writes[0].dstSet = set;
    writes[0].dstBinding = 0;
    writes[0].descriptorCount = 1;
    writes[0].descriptorType = variant.type;
    if (variant.format != VK_FORMAT_UNDEFINED) {
        VkBufferViewCreateInfo viewInfo{.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
        viewInfo.buffer = weight.handle();
        viewInfo.format = variant.format;
        viewInfo.range = weight.size();
        check(vkCreateBufferView(device, &viewInfo, nullptr, &view), "buffer view");
        writes[0].pTexelBufferView = &view;
    } else {
        writes[0].pBufferInfo = &weightInfo;
    }
    writes[1].dstSet = set;
    writes[1].dstBinding = 1;
    writes[1].descriptorCount = 1;
    writes[1].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[1].pBufferInfo = &outputInfo;
    vkUpdateDescriptorSets(device, 2, writes, 0, nullptr);

    VkCommandPoolCreateInfo commandPoolInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    commandPoolInfo.queueFamilyIndex = context.queueFamily();
    VkCommandPool commandPool;
    check(vkCreateCommandPool(device, &commandPoolInfo, nullptr, &commandPool), "command pool");
    VkCommandBufferAllocateInfo commandInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    commandInfo.commandPool = commandPool;
    commandInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    commandInfo.commandBufferCount = 1;
    VkCommandBuffer commands;
    check(vkAllocateCommandBuffers(device, &commandInfo, &commands), "command buffer");
    VkFenceCreateInfo fenceInfo{.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    check(vkCreateFence(device, &fenceInfo, nullptr, &fence), "fence");

    auto run = [&](int count) {
        VkCommandBufferBeginInfo beginInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        check(vkBeginCommandBuffer(commands, &beginInfo), "begin");
        vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, nullptr);
        vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(Push), &push);
        for (int i = 0; i < count; ++i)
            vkCmdDispatch(commands, (push.rows + 31) / 32, 1, 1);
        check(vkEndCommandBuffer(commands), "end");
        const auto start = std::chrono::steady_clock::now();
        context.submit(commands, fence);
        check(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX), "wait");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        check(vkResetFences(device, 1, &fence), "reset fence");
        check(vkResetCommandBuffer(commands, 0), "reset commands");
        return seconds;
    };
    run(1); // compile and first touch outside the timing
    const double seconds = run(repeats) / repeats;

    vkDestroyFence(device, fence, nullptr);
    vkDestroyCommandPool(device, commandPool, nullptr);
    vkDestroyBufferView(device, view, nullptr);
    vkDestroyDescriptorPool(device, pool, nullptr);
    vkDestroyPipeline(device, pipeline, nullptr);
    vkDestroyShaderModule(device, module, nullptr);
    vkDestroyPipelineLayout(device, layout, nullptr);
    vkDestroyDescriptorSetLayout(device, setLayout, nullptr);
    return seconds;
}

} // namespace

int main(int argc, char **argv)
{
    int repeats = 3;
    std::uint32_t rowBytes = 368; // SmolLM2's 576-column Q4_1 rows are 360 bytes; a multiple of 16 here
    std::size_t mib = 64;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--repeats"))
            repeats = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--row-bytes"))
            rowBytes = std::uint32_t(std::stoul(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--mib"))
            mib = std::stoul(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--only"))
            only = argv[i + 1];
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    VulkanContext context;
    std::printf("device: %s, %zu MiB, rows of %u bytes\n", context.info().name.c_str(), mib, rowBytes);
    const Push push{rowBytes / 16 * 4, std::uint32_t((mib << 20) / (rowBytes / 16 * 16))};
    Buffer weight(context, VkDeviceSize(push.rows) * push.rowWords * 4, MemoryUsage::Device);
    Buffer output(context, VkDeviceSize(push.rows) * 4, MemoryUsage::Device);
    if (weight.mapped()) {
        std::vector<std::byte> bytes(weight.size(), std::byte{1});
        weight.write(bytes);
    }
    for (const Variant &variant : kVariants) {
        if (!only.empty() && std::string(variant.shader).find(only) == std::string::npos)
            continue;
        const double seconds = timeVariant(context, variant, weight, output, push, repeats);
        std::printf("%-28s %9.2f ms %8.3f GB/s\n", variant.shader, seconds * 1e3, double(weight.size()) / seconds / 1e9);
    }
    return 0;
}
