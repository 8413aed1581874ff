#pragma once

#include "DeviceInfo.h"

#include <vulkan/vulkan.h>

#include <vector>

namespace glassbox::vulkan
{

// The Vulkan instance and the physical devices it sees. Enough on its own to list devices
// (`glassbox-cli devices`); VulkanContext adds a logical device on top.
class VulkanInstance
{
public:
    // Throws glassbox::Error when no Vulkan loader/driver is usable.
    VulkanInstance();
    ~VulkanInstance();
    VulkanInstance(const VulkanInstance &) = delete;
    VulkanInstance &operator=(const VulkanInstance &) = delete;

    VkInstance handle() const
    {
        return m_instance;
    }
    std::uint32_t apiVersion() const
    {
        return m_apiVersion;
    }
    // In the driver's enumeration order, which is what GLASSBOX_VK_DEVICE indexes.
    const std::vector<DeviceInfo> &devices() const
    {
        return m_devices;
    }

private:
    VkInstance m_instance = VK_NULL_HANDLE;
    std::uint32_t m_apiVersion = VK_API_VERSION_1_1;
    std::vector<DeviceInfo> m_devices;
};

} // namespace glassbox::vulkan
