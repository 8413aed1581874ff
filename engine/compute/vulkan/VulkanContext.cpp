#include "VulkanContext.h"

#include "FmaProbe.h"
#include "VulkanError.h"
#include "util/Error.h"

#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>

namespace glassbox::vulkan
{

namespace
{

int typeRank(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return 1;
    default:
        return 0;
    }
}

std::string deviceList(const std::vector<DeviceInfo> &devices)
{
    std::string list;
    for (std::size_t i = 0; i < devices.size(); ++i)
        list += (i ? ", " : "") + std::to_string(i) + ": " + devices[i].name;
    return devices.empty() ? "none" : list;
}

std::optional<std::size_t> indexFromEnvironment()
{
    const char *text = std::getenv("GLASSBOX_VK_DEVICE");
    if (!text || !*text)
        return std::nullopt;
    const std::string_view value(text);
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
    if (error != std::errc() || end != value.data() + value.size())
        throw Error("GLASSBOX_VK_DEVICE must be a device index (see `glassbox-cli devices`), not '" + std::string(value) + "'");
    return index;
}

// Extensions a feature needs on devices (or instances) older than the version that promoted it.
struct Promoted {
    const char *extension;
    std::uint32_t coreIn;
};

} // namespace

bool VulkanContext::usable(const DeviceInfo &device)
{
    return device.supportsApi(VK_API_VERSION_1_1) && device.computeQueueFamily != UINT32_MAX;
}

std::size_t VulkanContext::chooseDevice(const std::vector<DeviceInfo> &devices, std::optional<std::size_t> deviceIndex)
{
    if (!deviceIndex)
        deviceIndex = indexFromEnvironment();
    if (deviceIndex) {
        if (*deviceIndex >= devices.size())
            throw Error("Vulkan device index " + std::to_string(*deviceIndex) + " is out of range; devices: " + deviceList(devices));
        if (!usable(devices[*deviceIndex]))
            throw Error("Vulkan device " + std::to_string(*deviceIndex) + " (" + devices[*deviceIndex].name + ") lacks Vulkan 1.1 or a compute queue");
        return *deviceIndex;
    }
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        if (usable(devices[i]) && (!best || typeRank(devices[i].type) > typeRank(devices[*best].type)))
            best = i;
    }
    if (!best)
        throw Error("No usable Vulkan device (Vulkan 1.1 with a compute queue); devices: " + deviceList(devices));
    return *best;
}

VulkanContext::VulkanContext(std::optional<std::size_t> deviceIndex)
    : m_deviceIndex(chooseDevice(m_instance.devices(), deviceIndex))
    , m_info(m_instance.devices()[m_deviceIndex])
{
    vkGetPhysicalDeviceMemoryProperties(m_info.handle, &m_memory);
    createDevice();
    vkGetDeviceQueue(m_device, m_info.computeQueueFamily, 0, &m_queue);
    try {
        m_pipelineCache = std::make_unique<PipelineCache>(m_device, PipelineCache::defaultFile(m_info));
    } catch (...) {
        vkDestroyDevice(m_device, nullptr);
        throw;
    }
}

VulkanContext::~VulkanContext()
{
    m_pipelineCache.reset();
    vkDestroyDevice(m_device, nullptr);
}

void VulkanContext::createDevice()
{
    // Device-level functionality needs both the instance and the device at the promoting version.
    const std::uint32_t api = std::min(m_instance.apiVersion(), m_info.apiVersion);
    std::vector<const char *> extensions;
    // True when the feature's functionality is core or its extension is present (and enabled).
    auto provide = [&](Promoted promoted) {
        if (api >= promoted.coreIn)
            return true;
        if (!m_info.hasExtension(promoted.extension))
            return false;
        extensions.push_back(promoted.extension);
        return true;
    };

    VkPhysicalDeviceFeatures2 features{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    VkPhysicalDevice16BitStorageFeatures storage16{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
    VkPhysicalDeviceShaderFloat16Int8Features arithmetic{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
    VkPhysicalDevice8BitStorageFeatures storage8{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
    VkPhysicalDeviceShaderIntegerDotProductFeatures dot{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
    void **tail = &features.pNext;
    auto link = [&tail](auto &structure) {
        *tail = &structure;
        tail = &structure.pNext;
    };

    // GLASSBOX_VK_NO_FLOAT64 (set for tests): float64 left off, so that a device that has it runs the
    // shaders for those that do not (the lane sums' _nofp64 variants).
    m_info.float64Arithmetic = m_info.float64Arithmetic && std::getenv("GLASSBOX_VK_NO_FLOAT64") == nullptr;
    features.features.shaderFloat64 = m_info.float64Arithmetic;
    storage16.storageBuffer16BitAccess = m_info.storageBuffer16Bit;
    link(storage16);
    // m_info ends up saying what is enabled, which can be less than what the device has.
    if ((m_info.float16Arithmetic || m_info.int8Arithmetic) && provide({"VK_KHR_shader_float16_int8", VK_API_VERSION_1_2})) {
        arithmetic.shaderFloat16 = m_info.float16Arithmetic;
        arithmetic.shaderInt8 = m_info.int8Arithmetic;
        link(arithmetic);
    } else {
        m_info.float16Arithmetic = m_info.int8Arithmetic = false;
    }
    m_info.storageBuffer8Bit = m_info.storageBuffer8Bit && provide({"VK_KHR_8bit_storage", VK_API_VERSION_1_2});
    if (m_info.storageBuffer8Bit) {
        storage8.storageBuffer8BitAccess = VK_TRUE;
        link(storage8);
    }
    m_info.integerDotProduct = m_info.integerDotProduct && provide({"VK_KHR_shader_integer_dot_product", VK_API_VERSION_1_3});
    if (m_info.integerDotProduct) {
        dot.shaderIntegerDotProduct = VK_TRUE;
        link(dot);
    }
    // Portability implementations (MoltenVK) require this whenever they offer it.
    if (m_info.hasExtension("VK_KHR_portability_subset"))
        extensions.push_back("VK_KHR_portability_subset");

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue{.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue.queueFamilyIndex = m_info.computeQueueFamily;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;

    VkDeviceCreateInfo createInfo{.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    createInfo.pNext = &features;
    createInfo.queueCreateInfoCount = 1;
    createInfo.pQueueCreateInfos = &queue;
    createInfo.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    createInfo.ppEnabledExtensionNames = extensions.data();
    check(vkCreateDevice(m_info.handle, &createInfo, nullptr, &m_device), "Creating the Vulkan device on " + m_info.name);
}

bool VulkanContext::fusedFma()
{
    std::call_once(m_fmaProbed, [this] {
        if (const char *choice = std::getenv("GLASSBOX_VK_FUSED_FMA"); choice && *choice)
            m_fusedFma = std::string_view(choice) != "0";
        else
            m_fusedFma = probeFma(*this).fused();
    });
    return m_fusedFma;
}

std::uint32_t VulkanContext::memoryType(std::uint32_t typeBits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const
{
    std::optional<std::uint32_t> fallback;
    for (std::uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
        const VkMemoryPropertyFlags flags = m_memory.memoryTypes[i].propertyFlags;
        if (!(typeBits & (1u << i)) || (flags & required) != required)
            continue;
        if ((flags & preferred) == preferred)
            return i;
        if (!fallback)
            fallback = i;
    }
    if (!fallback)
        throw Error("No Vulkan memory type with the required properties on " + m_info.name);
    return *fallback;
}

VkMemoryPropertyFlags VulkanContext::memoryFlags(std::uint32_t memoryType) const
{
    return m_memory.memoryTypes[memoryType].propertyFlags;
}

void VulkanContext::submit(VkCommandBuffer commands, VkFence fence)
{
    VkSubmitInfo submitInfo{.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submitInfo.commandBufferCount = 1;
    submitInfo.pCommandBuffers = &commands;
    const std::lock_guard lock(m_queueMutex);
    m_simulatedLoss = m_simulatedLoss || std::getenv("GLASSBOX_VK_LOSE_DEVICE") != nullptr;
    check(m_simulatedLoss ? VK_ERROR_DEVICE_LOST : vkQueueSubmit(m_queue, 1, &submitInfo, fence), "Submitting Vulkan commands");
}

} // namespace glassbox::vulkan
