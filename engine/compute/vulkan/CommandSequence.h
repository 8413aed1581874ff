#pragma once

#include "Buffer.h"
#include "DescriptorAllocator.h"
#include "ShaderReflection.h"

#include <vulkan/vulkan.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace glassbox::vulkan
{

class ComputePipeline;
class VulkanContext;

// A recorded list of dispatches and copies, submitted as one command buffer and waited for with a
// fence. Barriers are inserted only where a command touches memory an earlier, unsynchronized
// command wrote (or writes memory it read). A sequence can be run again without re-recording.
class CommandSequence
{
public:
    explicit CommandSequence(VulkanContext &context);
    ~CommandSequence();
    CommandSequence(const CommandSequence &) = delete;
    CommandSequence &operator=(const CommandSequence &) = delete;

    // buffers follow pipeline.reflection().bindings; pushConstants must be exactly the shader's push
    // constant block. Throws glassbox::Error when the arguments do not match the shader or a range
    // is not bindable (too large for one descriptor, misaligned offset).
    CommandSequence &dispatch(const ComputePipeline &pipeline,
                              std::span<const BufferRange> buffers,
                              std::span<const std::byte> pushConstants,
                              std::array<std::uint32_t, 3> groups);
    template<typename Push>
    CommandSequence &dispatch(const ComputePipeline &pipeline, std::span<const BufferRange> buffers, const Push &push, std::array<std::uint32_t, 3> groups)
    {
        return dispatch(pipeline, buffers, std::as_bytes(std::span(&push, 1)), groups);
    }
    CommandSequence &copy(const Buffer &source, VkDeviceSize sourceOffset, const Buffer &target, VkDeviceSize targetOffset, VkDeviceSize size);
    // Sets a range of whole 32-bit words (offset and size multiples of 4) to value.
    CommandSequence &fill(const Buffer &target, VkDeviceSize offset, VkDeviceSize size, std::uint32_t value);

    // With profiling on (and a device that can time compute work), every dispatch recorded from now
    // on is timed with timestamp queries; run() collects the times into timings().
    void setProfiling(bool on);
    struct DispatchTime {
        std::string shader;
        double microseconds;
    };
    // The dispatches of the last run(), in order, with their GPU times (including any barrier wait
    // before each). Empty without profiling.
    const std::vector<DispatchTime> &timings() const
    {
        return m_timings;
    }

    // Submits everything recorded so far and waits; afterwards the host sees all results.
    // Throws glassbox::Error (e.g. VK_ERROR_DEVICE_LOST) when the device fails.
    void run();
    // run() in two halves, for a host that has other work meanwhile: submit() returns at once,
    // wait() blocks until the device is done (and does nothing if nothing was submitted).
    void submit();
    void wait();
    // Drops the recorded commands to record new ones.
    void reset();

private:
    struct Access {
        VkBuffer buffer;
        VkDeviceSize offset;
        VkDeviceSize size;
        bool write;
    };

    void begin();
    // A texel buffer view of the range for binding (destroyed by reset()).
    VkBufferView texelView(const BufferRange &range, const DescriptorBinding &binding, const std::string &shader);
    // Inserts a barrier if the accesses conflict with those since the last barrier, then notes them.
    void synchronize(std::span<const Access> accesses, VkPipelineStageFlags stage);

    VulkanContext &m_context;
    VkDevice m_device;
    VkCommandPool m_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_commands = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    DescriptorAllocator m_descriptors;
    std::vector<VkBufferView> m_views;
    bool m_recording = false;
    bool m_empty = true;
    bool m_submitted = false;
    std::vector<Access> m_unsynchronized;
    VkPipelineStageFlags m_pendingStages = 0;

    void writeTimestamp();
    void collectTimings();
    VkQueryPool m_queries = VK_NULL_HANDLE;
    std::uint32_t m_queryCount = 0;
    bool m_profiling = false;
    std::vector<std::string> m_timedShaders;
    std::vector<DispatchTime> m_timings;
};

} // namespace glassbox::vulkan
