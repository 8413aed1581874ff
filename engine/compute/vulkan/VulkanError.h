#pragma once

#include <vulkan/vulkan.h>

#include <string_view>

namespace glassbox::vulkan
{

// The enumerator's name ("VK_ERROR_DEVICE_LOST"), so messages say what the driver said.
std::string_view resultName(VkResult result);

// Throws glassbox::Error "<what> failed: <VkResult name>" unless result is VK_SUCCESS.
void check(VkResult result, std::string_view what);

} // namespace glassbox::vulkan
