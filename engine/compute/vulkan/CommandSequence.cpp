#include "CommandSequence.h"

#include "ComputePipeline.h"
#include "VulkanContext.h"
#include "VulkanError.h"
#include "util/Error.h"

#include <algorithm>
#include <limits>
#include <string>

namespace glassbox::vulkan
{

namespace
{

constexpr VkAccessFlags kWrites = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
constexpr VkAccessFlags kAccesses = kWrites | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;

void memoryBarrier(VkCommandBuffer commands, VkPipelineStageFlags from, VkPipelineStageFlags to, VkAccessFlags toAccess)
{
    VkMemoryBarrier barrier{.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = kWrites;
    barrier.dstAccessMask = toAccess;
    vkCmdPipelineBarrier(commands, from, to, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

// Timestamps per submission; dispatches beyond it go untimed.
constexpr std::uint32_t kMaxTimestamps = 8192;

} // namespace

CommandSequence::CommandSequence(VulkanContext &context)
    : m_context(context)
    , m_device(context.device())
    , m_descriptors(context.device())
{
    VkCommandPoolCreateInfo poolInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    poolInfo.queueFamilyIndex = context.queueFamily();
    check(vkCreateCommandPool(m_device, &poolInfo, nullptr, &m_pool), "Creating a command pool");
    try {
        VkCommandBufferAllocateInfo allocateInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        allocateInfo.commandPool = m_pool;
        allocateInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        allocateInfo.commandBufferCount = 1;
        check(vkAllocateCommandBuffers(m_device, &allocateInfo, &m_commands), "Allocating a command buffer");
        VkFenceCreateInfo fenceInfo{.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        check(vkCreateFence(m_device, &fenceInfo, nullptr, &m_fence), "Creating a fence");
    } catch (...) {
        vkDestroyCommandPool(m_device, m_pool, nullptr);
        throw;
    }
}

CommandSequence::~CommandSequence()
{
    // The device may still be reading the command buffer (a lost device returns at once).
    if (m_submitted)
        vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, std::numeric_limits<std::uint64_t>::max());
    if (m_queries)
        vkDestroyQueryPool(m_device, m_queries, nullptr);
    vkDestroyFence(m_device, m_fence, nullptr);
    vkDestroyCommandPool(m_device, m_pool, nullptr);
    for (VkBufferView view : m_views)
        vkDestroyBufferView(m_device, view, nullptr);
}

VkBufferView CommandSequence::texelView(const BufferRange &range, const DescriptorBinding &binding, const std::string &shader)
{
    const DeviceInfo &info = m_context.info();
    // Buffer allocates whole 16-byte texels, so the view may round the range up to whole texels.
    const VkDeviceSize texels = (range.size + binding.texelBytes - 1) / binding.texelBytes;
    if (range.offset % std::max<VkDeviceSize>(info.minTexelBufferOffsetAlignment, binding.texelBytes))
        throw Error("Binding " + binding.name + " of " + shader + " starts at an offset misaligned for a texel buffer: " + std::to_string(range.offset));
    if (texels > info.maxTexelBufferElements)
        throw Error("Binding " + binding.name + " of " + shader + " spans " + std::to_string(texels) + " texels, more than a texel buffer may ("
                    + std::to_string(info.maxTexelBufferElements) + ")");
    VkBufferViewCreateInfo createInfo{.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
    createInfo.buffer = range.buffer->handle();
    createInfo.format = binding.texelBytes == 4 ? VK_FORMAT_R32_UINT : VK_FORMAT_R32G32B32A32_UINT;
    createInfo.offset = range.offset;
    createInfo.range = texels * binding.texelBytes;
    VkBufferView view = VK_NULL_HANDLE;
    check(vkCreateBufferView(m_device, &createInfo, nullptr, &view), "Creating a texel buffer view for " + shader);
    m_views.push_back(view);
    return view;
}

void CommandSequence::begin()
{
    if (m_recording)
        return;
    if (!m_empty)
        throw Error("A command sequence that has run must be reset() before recording more");
    VkCommandBufferBeginInfo beginInfo{.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    check(vkBeginCommandBuffer(m_commands, &beginInfo), "Beginning a command buffer");
    m_recording = true;
}

void CommandSequence::synchronize(std::span<const Access> accesses, VkPipelineStageFlags stage)
{
    const bool conflict = std::any_of(accesses.begin(), accesses.end(), [this](const Access &access) {
        return std::any_of(m_unsynchronized.begin(), m_unsynchronized.end(), [&access](const Access &earlier) {
            return (earlier.write || access.write) && earlier.buffer == access.buffer && earlier.offset < access.offset + access.size
                && access.offset < earlier.offset + earlier.size;
        });
    });
    if (conflict) {
        memoryBarrier(m_commands, m_pendingStages, stage, kAccesses);
        m_unsynchronized.clear();
        m_pendingStages = 0;
    }
    m_unsynchronized.insert(m_unsynchronized.end(), accesses.begin(), accesses.end());
    m_pendingStages |= stage;
}

CommandSequence &CommandSequence::dispatch(const ComputePipeline &pipeline,
                                           std::span<const BufferRange> buffers,
                                           std::span<const std::byte> pushConstants,
                                           std::array<std::uint32_t, 3> groups)
{
    const ShaderReflection &reflection = pipeline.reflection();
    const std::string &name = pipeline.name();
    if (buffers.size() != reflection.bindings.size())
        throw Error("Shader " + name + " binds " + std::to_string(reflection.bindings.size()) + " buffers, not " + std::to_string(buffers.size()));
    if (pushConstants.size() != reflection.pushConstantSize)
        throw Error("Shader " + name + " takes " + std::to_string(reflection.pushConstantSize) + " bytes of push constants, not "
                    + std::to_string(pushConstants.size()));
    const DeviceInfo &info = m_context.info();
    for (std::size_t axis = 0; axis < 3; ++axis) {
        if (groups[axis] == 0 || groups[axis] > info.maxComputeWorkGroupCount[axis])
            throw Error("Dispatch of " + name + " with " + std::to_string(groups[axis]) + " workgroups along axis " + std::to_string(axis)
                        + " is outside the device's limits");
    }

    std::vector<Access> accesses;
    std::vector<VkDescriptorBufferInfo> bufferInfos;
    std::vector<VkBufferView> views(buffers.size(), VK_NULL_HANDLE);
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        const BufferRange &range = buffers[i];
        const DescriptorBinding &binding = reflection.bindings[i];
        if (!range.buffer || range.size == 0)
            throw Error("Binding " + binding.name + " of " + name + " has no buffer");
        if (range.size > range.buffer->maxBindingRange())
            throw Error("Binding " + binding.name + " of " + name + " spans " + std::to_string(range.size) + " bytes, more than one descriptor may ("
                        + std::to_string(range.buffer->maxBindingRange()) + ")");
        if (range.offset % range.buffer->bindingAlignment())
            throw Error("Binding " + binding.name + " of " + name + " starts at a misaligned offset " + std::to_string(range.offset));
        accesses.push_back({range.buffer->handle(), range.offset, range.size, !binding.readOnly});
        bufferInfos.push_back({range.buffer->handle(), range.offset, range.size});
        if (binding.kind == DescriptorKind::StorageTexelBuffer)
            views[i] = texelView(range, binding, name);
    }

    begin();
    synchronize(accesses, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);

    const VkDescriptorSet set = m_descriptors.allocate(pipeline.setLayout());
    std::vector<VkWriteDescriptorSet> writes;
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        const DescriptorBinding &binding = reflection.bindings[i];
        VkWriteDescriptorSet write{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        write.dstSet = set;
        write.dstBinding = binding.binding;
        write.descriptorCount = 1;
        write.descriptorType = descriptorType(binding.kind);
        if (views[i])
            write.pTexelBufferView = &views[i];
        else
            write.pBufferInfo = &bufferInfos[i];
        writes.push_back(write);
    }
    vkUpdateDescriptorSets(m_device, static_cast<std::uint32_t>(writes.size()), writes.data(), 0, nullptr);

    vkCmdBindPipeline(m_commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
    vkCmdBindDescriptorSets(m_commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &set, 0, nullptr);
    if (!pushConstants.empty())
        vkCmdPushConstants(m_commands,
                           pipeline.layout(),
                           VK_SHADER_STAGE_COMPUTE_BIT,
                           0,
                           static_cast<std::uint32_t>(pushConstants.size()),
                           pushConstants.data());
    if (m_profiling && m_queryCount == 0)
        writeTimestamp();
    vkCmdDispatch(m_commands, groups[0], groups[1], groups[2]);
    if (m_profiling && m_queryCount < kMaxTimestamps) {
        writeTimestamp();
        m_timedShaders.push_back(name);
    }
    m_empty = false;
    return *this;
}

CommandSequence &CommandSequence::copy(const Buffer &source, VkDeviceSize sourceOffset, const Buffer &target, VkDeviceSize targetOffset, VkDeviceSize size)
{
    // range() checks the bounds.
    const BufferRange from = source.range(sourceOffset, size);
    const BufferRange to = target.range(targetOffset, size);
    if (size == 0)
        return *this;
    begin();
    const Access accesses[] = {{source.handle(), from.offset, size, false}, {target.handle(), to.offset, size, true}};
    synchronize(accesses, VK_PIPELINE_STAGE_TRANSFER_BIT);
    const VkBufferCopy region{sourceOffset, targetOffset, size};
    vkCmdCopyBuffer(m_commands, source.handle(), target.handle(), 1, &region);
    m_empty = false;
    return *this;
}

CommandSequence &CommandSequence::fill(const Buffer &target, VkDeviceSize offset, VkDeviceSize size, std::uint32_t value)
{
    const BufferRange range = target.range(offset, size);
    if (size == 0)
        return *this;
    if (offset % 4 || size % 4)
        throw Error("Buffer fills must cover whole 32-bit words");
    begin();
    const Access accesses[] = {{target.handle(), range.offset, size, true}};
    synchronize(accesses, VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdFillBuffer(m_commands, target.handle(), offset, size, value);
    m_empty = false;
    return *this;
}

void CommandSequence::setProfiling(bool on)
{
    m_profiling = on && m_context.info().computeTimestamps;
    if (!m_profiling || m_queries)
        return;
    VkQueryPoolCreateInfo info{.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = kMaxTimestamps + 1;
    check(vkCreateQueryPool(m_device, &info, nullptr, &m_queries), "Creating a timestamp query pool");
}

void CommandSequence::writeTimestamp()
{
    if (m_queryCount == 0)
        vkCmdResetQueryPool(m_commands, m_queries, 0, kMaxTimestamps + 1);
    vkCmdWriteTimestamp(m_commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, m_queries, m_queryCount++);
}

void CommandSequence::collectTimings()
{
    m_timings.clear();
    if (m_queryCount < 2)
        return;
    std::vector<std::uint64_t> ticks(m_queryCount);
    check(vkGetQueryPoolResults(m_device, m_queries, 0, m_queryCount, ticks.size() * sizeof(std::uint64_t), ticks.data(), sizeof(std::uint64_t),
                                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
          "Reading timestamps");
    const double period = m_context.info().timestampPeriod;
    for (std::size_t i = 0; i < m_timedShaders.size(); ++i)
        m_timings.push_back({m_timedShaders[i], double(ticks[i + 1] - ticks[i]) * period / 1000.0});
}

void CommandSequence::run()
{
    submit();
    wait();
}

void CommandSequence::submit()
{
    if (m_empty)
        return;
    if (m_recording) {
        // Device writes become visible to the host once the fence has signalled.
        memoryBarrier(m_commands, m_pendingStages, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
        check(vkEndCommandBuffer(m_commands), "Ending a command buffer");
        m_recording = false;
        m_unsynchronized.clear();
        m_pendingStages = 0;
    }
    check(vkResetFences(m_device, 1, &m_fence), "Resetting a fence");
    try {
        m_context.submit(m_commands, m_fence);
    } catch (const Error &) {
        // The work is dropped, and the sequence records again: on a lost device the next submission
        // fails the same way, rather than on a sequence left half used.
        reset();
        throw;
    }
    m_submitted = true;
}

void CommandSequence::wait()
{
    if (!m_submitted)
        return;
    m_submitted = false;
    check(vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, std::numeric_limits<std::uint64_t>::max()), "Waiting for the GPU");
    collectTimings();
}

void CommandSequence::reset()
{
    wait();
    if (m_recording)
        check(vkEndCommandBuffer(m_commands), "Ending a command buffer");
    check(vkResetCommandBuffer(m_commands, 0), "Resetting a command buffer");
    m_descriptors.reset();
    for (VkBufferView view : m_views)
        vkDestroyBufferView(m_device, view, nullptr);
    m_views.clear();
    m_recording = false;
    m_empty = true;
    m_unsynchronized.clear();
    m_pendingStages = 0;
    m_queryCount = 0;
    m_timedShaders.clear();
    m_timings.clear();
}

} // namespace glassbox::vulkan
