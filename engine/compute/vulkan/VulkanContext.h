#pragma once

#include "DeviceInfo.h"
#include "PipelineCache.h"
#include "VulkanInstance.h"

#include <vulkan/vulkan.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace glassbox::vulkan
{

// One logical device with one compute queue: what every other Vulkan object is created from.
// Useful optional features (16/8-bit storage, fp16/int8 arithmetic, integer dot product) are
// enabled whenever the device has them; DeviceInfo tells which.
class VulkanContext
{
public:
    // Without an index: GLASSBOX_VK_DEVICE if set, else the preferred device
    // (discrete > integrated > virtual > CPU). Throws glassbox::Error if there is no usable device
    // or the index is out of range.
    explicit VulkanContext(std::optional<std::size_t> deviceIndex = std::nullopt);
    ~VulkanContext();
    VulkanContext(const VulkanContext &) = delete;
    VulkanContext &operator=(const VulkanContext &) = delete;

    const VulkanInstance &instance() const
    {
        return m_instance;
    }
    const DeviceInfo &info() const
    {
        return m_info;
    }
    std::size_t deviceIndex() const
    {
        return m_deviceIndex;
    }
    VkDevice device() const
    {
        return m_device;
    }
    std::uint32_t queueFamily() const
    {
        return m_info.computeQueueFamily;
    }
    // Persisted in the user's cache folder (PipelineCache::defaultFile) when the context goes.
    PipelineCache &pipelineCache()
    {
        return *m_pipelineCache;
    }

    // A memory type among typeBits with all of required, preferring one that also has preferred.
    // Throws glassbox::Error when none qualifies.
    std::uint32_t memoryType(std::uint32_t typeBits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const;
    VkMemoryPropertyFlags memoryFlags(std::uint32_t memoryType) const;

    // Submits to the compute queue; the queue is shared, so submissions are serialized here.
    // GLASSBOX_VK_LOSE_DEVICE (set for tests): from the first submission that sees it, this device
    // fails every submission with VK_ERROR_DEVICE_LOST, as one the driver has reset does. Devices
    // cannot be lost at will (lavapipe not at all), and the recovery from a loss needs testing.
    void submit(VkCommandBuffer commands, VkFence fence);

    // Whether shaders may take fma() for a fused multiply-add (FUSED_FMA, ggml_float.glsl): FmaProbe's
    // verdict, found on first use, unless GLASSBOX_VK_FUSED_FMA (0 or 1, set for tests) says otherwise.
    bool fusedFma();

    // The device `chooseDevice` would pick: explicit index, then GLASSBOX_VK_DEVICE, then preference.
    static std::size_t chooseDevice(const std::vector<DeviceInfo> &devices, std::optional<std::size_t> deviceIndex);
    // Whether the engine can run on the device at all (Vulkan 1.1, a compute queue).
    static bool usable(const DeviceInfo &device);

private:
    void createDevice();

    VulkanInstance m_instance;
    std::size_t m_deviceIndex = 0;
    DeviceInfo m_info;
    VkPhysicalDeviceMemoryProperties m_memory{};
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    std::unique_ptr<PipelineCache> m_pipelineCache;
    std::mutex m_queueMutex;
    bool m_simulatedLoss = false; // GLASSBOX_VK_LOSE_DEVICE was seen (submit)
    std::once_flag m_fmaProbed;
    bool m_fusedFma = false;
};

} // namespace glassbox::vulkan
