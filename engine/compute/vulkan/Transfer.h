#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>
#include <span>

namespace glassbox::vulkan
{

class Buffer;
class VulkanContext;

// Host <-> device copies that work for any buffer: mapped buffers are copied directly, others through a
// temporary staging buffer. Both wait until the copy is done.
void upload(VulkanContext &context, Buffer &target, std::span<const std::byte> data, VkDeviceSize offset = 0);
void download(VulkanContext &context, const Buffer &source, std::span<std::byte> out, VkDeviceSize offset = 0);

} // namespace glassbox::vulkan
