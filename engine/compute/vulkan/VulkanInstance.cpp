#include "VulkanInstance.h"

#include "VulkanError.h"

#include <algorithm>
#include <cstring>

namespace glassbox::vulkan
{

namespace
{

bool hasInstanceExtension(const char *name)
{
    std::uint32_t count = 0;
    vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> extensions(count);
    vkEnumerateInstanceExtensionProperties(nullptr, &count, extensions.data());
    return std::any_of(extensions.begin(), extensions.begin() + count, [name](const VkExtensionProperties &extension) {
        return std::strcmp(extension.extensionName, name) == 0;
    });
}

} // namespace

VulkanInstance::VulkanInstance()
{
    // Ask for the newest version we know (1.3) when the loader has it; 1.1 is the floor.
    std::uint32_t loaderVersion = VK_API_VERSION_1_0;
    check(vkEnumerateInstanceVersion(&loaderVersion), "vkEnumerateInstanceVersion");
    m_apiVersion = std::min(loaderVersion, static_cast<std::uint32_t>(VK_API_VERSION_1_3));
    if (m_apiVersion < VK_API_VERSION_1_1)
        check(VK_ERROR_INCOMPATIBLE_DRIVER, "Vulkan 1.1 loader lookup");

    VkApplicationInfo application{.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO};
    application.pApplicationName = "Glassbox";
    application.pEngineName = "Glassbox";
    application.apiVersion = m_apiVersion;

    VkInstanceCreateInfo createInfo{.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    createInfo.pApplicationInfo = &application;
    // Portability drivers (MoltenVK) are hidden unless the instance opts in.
    const char *portability = "VK_KHR_portability_enumeration";
    if (hasInstanceExtension(portability)) {
        createInfo.enabledExtensionCount = 1;
        createInfo.ppEnabledExtensionNames = &portability;
        createInfo.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
    }
    check(vkCreateInstance(&createInfo, nullptr, &m_instance), "Creating the Vulkan instance");

    std::uint32_t count = 0;
    VkResult result = vkEnumeratePhysicalDevices(m_instance, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    if (result == VK_SUCCESS)
        result = vkEnumeratePhysicalDevices(m_instance, &count, devices.data());
    if (result != VK_SUCCESS && result != VK_INCOMPLETE) {
        vkDestroyInstance(m_instance, nullptr);
        check(result, "Listing Vulkan devices");
    }
    for (std::uint32_t i = 0; i < count; ++i)
        m_devices.push_back(DeviceInfo::query(devices[i]));
}

VulkanInstance::~VulkanInstance()
{
    vkDestroyInstance(m_instance, nullptr);
}

} // namespace glassbox::vulkan
