#include "DeviceInfo.h"

#include <algorithm>

namespace glassbox::vulkan
{

namespace
{

// Appends a structure to a pNext chain being built from its head.
template<typename T>
void chain(void **&tail, T &structure)
{
    *tail = &structure;
    tail = &structure.pNext;
}

std::vector<std::string> deviceExtensions(VkPhysicalDevice device)
{
    std::uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> properties(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, properties.data());
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < count; ++i)
        names.emplace_back(properties[i].extensionName);
    std::sort(names.begin(), names.end());
    return names;
}

void queryProperties(DeviceInfo &info)
{
    const bool driverProperties = info.supportsApi(VK_API_VERSION_1_2) || info.hasExtension("VK_KHR_driver_properties");
    const bool sizeControl = info.supportsApi(VK_API_VERSION_1_3) || info.hasExtension("VK_EXT_subgroup_size_control");
    const bool dotProduct = info.supportsApi(VK_API_VERSION_1_3) || info.hasExtension("VK_KHR_shader_integer_dot_product");

    VkPhysicalDeviceProperties2 properties{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    VkPhysicalDeviceSubgroupProperties subgroup{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceMaintenance3Properties maintenance3{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
    VkPhysicalDeviceDriverProperties driver{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceSubgroupSizeControlProperties sizes{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
    VkPhysicalDeviceShaderIntegerDotProductProperties dot{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES};
    void **tail = &properties.pNext;
    chain(tail, subgroup);
    chain(tail, maintenance3);
    if (driverProperties)
        chain(tail, driver);
    if (sizeControl)
        chain(tail, sizes);
    if (dotProduct)
        chain(tail, dot);
    vkGetPhysicalDeviceProperties2(info.handle, &properties);

    const VkPhysicalDeviceProperties &core = properties.properties;
    const VkPhysicalDeviceLimits &limits = core.limits;
    info.name = core.deviceName;
    info.type = core.deviceType;
    info.vendorId = core.vendorID;
    info.deviceId = core.deviceID;
    info.apiVersion = core.apiVersion;
    info.driverVersion = core.driverVersion;
    if (driverProperties) {
        info.driverName = driver.driverName;
        info.driverInfo = driver.driverInfo;
    }
    info.subgroupSize = subgroup.subgroupSize;
    info.minSubgroupSize = sizeControl ? sizes.minSubgroupSize : subgroup.subgroupSize;
    info.maxSubgroupSize = sizeControl ? sizes.maxSubgroupSize : subgroup.subgroupSize;
    const bool inCompute = subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT;
    info.subgroupArithmetic = inCompute && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    info.subgroupShuffle = inCompute && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT);
    info.integerDotProduct4x8Accelerated = dotProduct && dot.integerDotProduct4x8BitPackedSignedAccelerated;

    info.maxStorageBufferRange = limits.maxStorageBufferRange;
    info.maxMemoryAllocationSize = maintenance3.maxMemoryAllocationSize;
    info.minStorageBufferOffsetAlignment = limits.minStorageBufferOffsetAlignment;
    info.minTexelBufferOffsetAlignment = limits.minTexelBufferOffsetAlignment;
    info.maxTexelBufferElements = limits.maxTexelBufferElements;
    info.maxPushConstantsSize = limits.maxPushConstantsSize;
    info.maxComputeSharedMemorySize = limits.maxComputeSharedMemorySize;
    std::copy_n(limits.maxComputeWorkGroupSize, 3, info.maxComputeWorkGroupSize.begin());
    std::copy_n(limits.maxComputeWorkGroupCount, 3, info.maxComputeWorkGroupCount.begin());
    info.maxComputeWorkGroupInvocations = limits.maxComputeWorkGroupInvocations;
    info.timestampPeriod = limits.timestampPeriod;
}

void queryFeatures(DeviceInfo &info)
{
    const bool float16Int8 = info.supportsApi(VK_API_VERSION_1_2) || info.hasExtension("VK_KHR_shader_float16_int8");
    const bool storage8 = info.supportsApi(VK_API_VERSION_1_2) || info.hasExtension("VK_KHR_8bit_storage");
    const bool dotProduct = info.supportsApi(VK_API_VERSION_1_3) || info.hasExtension("VK_KHR_shader_integer_dot_product");

    VkPhysicalDeviceFeatures2 features{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    VkPhysicalDevice16BitStorageFeatures storage16Features{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
    VkPhysicalDeviceShaderFloat16Int8Features arithmetic{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
    VkPhysicalDevice8BitStorageFeatures storage8Features{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
    VkPhysicalDeviceShaderIntegerDotProductFeatures dot{.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
    void **tail = &features.pNext;
    chain(tail, storage16Features);
    if (float16Int8)
        chain(tail, arithmetic);
    if (storage8)
        chain(tail, storage8Features);
    if (dotProduct)
        chain(tail, dot);
    vkGetPhysicalDeviceFeatures2(info.handle, &features);

    info.storageBuffer16Bit = storage16Features.storageBuffer16BitAccess;
    info.float64Arithmetic = features.features.shaderFloat64;
    info.float16Arithmetic = float16Int8 && arithmetic.shaderFloat16;
    info.int8Arithmetic = float16Int8 && arithmetic.shaderInt8;
    info.storageBuffer8Bit = storage8 && storage8Features.storageBuffer8BitAccess;
    info.integerDotProduct = dotProduct && dot.shaderIntegerDotProduct;
}

void queryQueuesAndMemory(DeviceInfo &info)
{
    std::uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(info.handle, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(info.handle, &count, families.data());
    // Prefer a compute-only family (async compute on discrete GPUs), else any with compute.
    for (int pass = 0; pass < 2 && info.computeQueueFamily == UINT32_MAX; ++pass) {
        for (std::uint32_t i = 0; i < count; ++i) {
            const VkQueueFlags flags = families[i].queueFlags;
            const bool computeOnly = !(flags & VK_QUEUE_GRAPHICS_BIT);
            if ((flags & VK_QUEUE_COMPUTE_BIT) && (pass == 1 || computeOnly)) {
                info.computeQueueFamily = i;
                info.computeTimestamps = families[i].timestampValidBits > 0;
                break;
            }
        }
    }

    VkPhysicalDeviceMemoryProperties memory;
    vkGetPhysicalDeviceMemoryProperties(info.handle, &memory);
    for (std::uint32_t i = 0; i < memory.memoryHeapCount; ++i)
        info.memoryHeaps.push_back({memory.memoryHeaps[i].size, (memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0});
}

} // namespace

DeviceInfo DeviceInfo::query(VkPhysicalDevice device)
{
    DeviceInfo info;
    info.handle = device;
    info.extensions = deviceExtensions(device);
    VkPhysicalDeviceProperties core;
    vkGetPhysicalDeviceProperties(device, &core);
    info.apiVersion = core.apiVersion;
    queryProperties(info);
    queryFeatures(info);
    queryQueuesAndMemory(info);
    info.cooperativeMatrixKhr = info.hasExtension("VK_KHR_cooperative_matrix");
    info.cooperativeMatrixNv = info.hasExtension("VK_NV_cooperative_matrix");
    return info;
}

bool DeviceInfo::hasExtension(const char *extension) const
{
    return std::binary_search(extensions.begin(), extensions.end(), std::string(extension));
}

bool DeviceInfo::supportsApi(std::uint32_t version) const
{
    return VK_API_VERSION_MAJOR(apiVersion) > VK_API_VERSION_MAJOR(version)
        || (VK_API_VERSION_MAJOR(apiVersion) == VK_API_VERSION_MAJOR(version) && VK_API_VERSION_MINOR(apiVersion) >= VK_API_VERSION_MINOR(version));
}

std::uint64_t DeviceInfo::deviceLocalMemory() const
{
    std::uint64_t total = 0;
    for (const MemoryHeap &heap : memoryHeaps)
        total += heap.deviceLocal ? heap.size : 0;
    return total;
}

const char *deviceTypeName(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "CPU";
    default:
        return "other";
    }
}

std::string versionString(std::uint32_t version)
{
    return std::to_string(VK_API_VERSION_MAJOR(version)) + '.' + std::to_string(VK_API_VERSION_MINOR(version)) + '.'
        + std::to_string(VK_API_VERSION_PATCH(version));
}

} // namespace glassbox::vulkan
