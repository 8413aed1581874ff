#include "Transfer.h"

#include "Buffer.h"
#include "CommandSequence.h"

namespace glassbox::vulkan
{

void upload(VulkanContext &context, Buffer &target, std::span<const std::byte> data, VkDeviceSize offset)
{
    if (data.empty())
        return;
    if (target.mapped()) {
        target.write(data, offset);
        return;
    }
    target.range(offset, data.size()); // checks the bounds before staging anything
    Buffer staging(context, data.size(), MemoryUsage::Upload);
    staging.write(data);
    CommandSequence sequence(context);
    sequence.copy(staging, 0, target, offset, data.size());
    sequence.run();
}

void download(VulkanContext &context, const Buffer &source, std::span<std::byte> out, VkDeviceSize offset)
{
    if (out.empty())
        return;
    if (source.mapped()) {
        source.read(out, offset);
        return;
    }
    source.range(offset, out.size());
    Buffer staging(context, out.size(), MemoryUsage::Readback);
    CommandSequence sequence(context);
    sequence.copy(source, offset, staging, 0, out.size());
    sequence.run();
    staging.read(out);
}

} // namespace glassbox::vulkan
