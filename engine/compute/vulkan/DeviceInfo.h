#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace glassbox::vulkan
{

struct MemoryHeap {
    std::uint64_t size = 0;
    bool deviceLocal = false;
};

// What one physical device can do, queried once. Everything the engine decides per device (shader
// variants, workgroup sizes, how to split tensors larger than one binding) reads from here.
struct DeviceInfo {
    VkPhysicalDevice handle = VK_NULL_HANDLE;
    std::string name;
    VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
    std::uint32_t vendorId = 0;
    std::uint32_t deviceId = 0;
    std::uint32_t apiVersion = 0;
    std::uint32_t driverVersion = 0;
    std::string driverName; // empty when the device lacks VK_KHR_driver_properties
    std::string driverInfo;
    std::vector<std::string> extensions;
    std::vector<MemoryHeap> memoryHeaps;

    // The first queue family with compute; UINT32_MAX when there is none.
    std::uint32_t computeQueueFamily = UINT32_MAX;

    std::uint32_t subgroupSize = 0;
    std::uint32_t minSubgroupSize = 0; // equal to subgroupSize without VK_EXT_subgroup_size_control
    std::uint32_t maxSubgroupSize = 0;
    bool subgroupArithmetic = false; // in compute shaders
    bool subgroupShuffle = false;

    bool float16Arithmetic = false;
    bool int8Arithmetic = false;
    bool float64Arithmetic = false; // shaderFloat64
    bool storageBuffer16Bit = false;
    bool storageBuffer8Bit = false;
    bool integerDotProduct = false;
    bool integerDotProduct4x8Accelerated = false; // packed signed 4x8 dot runs in hardware
    bool cooperativeMatrixKhr = false; // extension present; features are queried where used
    bool cooperativeMatrixNv = false;

    // A single descriptor can only see this many bytes: larger tensors are bound in windows.
    std::uint64_t maxStorageBufferRange = 0;
    std::uint64_t maxMemoryAllocationSize = 0;
    std::uint64_t minStorageBufferOffsetAlignment = 0;
    // Texel buffer views (how shaders read weights on CPU drivers, see shaders/formats/weights.glsl).
    std::uint64_t minTexelBufferOffsetAlignment = 0;
    std::uint32_t maxTexelBufferElements = 0;
    std::uint32_t maxPushConstantsSize = 0;
    std::uint32_t maxComputeSharedMemorySize = 0;
    std::array<std::uint32_t, 3> maxComputeWorkGroupSize{};
    std::array<std::uint32_t, 3> maxComputeWorkGroupCount{};
    std::uint32_t maxComputeWorkGroupInvocations = 0;
    float timestampPeriod = 0; // nanoseconds per timestamp tick
    bool computeTimestamps = false;

    static DeviceInfo query(VkPhysicalDevice device);

    bool hasExtension(const char *name) const;
    // At least this Vulkan version, e.g. VK_API_VERSION_1_2.
    bool supportsApi(std::uint32_t version) const;
    std::uint64_t deviceLocalMemory() const;
};

// "discrete GPU", "integrated GPU", "virtual GPU", "CPU", "other".
const char *deviceTypeName(VkPhysicalDeviceType type);
// "1.3.230"
std::string versionString(std::uint32_t version);

} // namespace glassbox::vulkan
