#pragma once

#include "Buffer.h"
#include "CommandSequence.h"

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace glassbox::vulkan
{

class VulkanContext;

// Uploads to device memory the host cannot map, through a few fixed staging buffers used in turn:
// the host fills one while the device copies out of the others, and nothing is allocated per upload
// (loading a model's weights is hundreds of uploads).
class StagingRing
{
public:
    static constexpr VkDeviceSize kSlotBytes = VkDeviceSize(16) << 20;
    static constexpr std::size_t kSlots = 3;

    explicit StagingRing(VulkanContext &context, VkDeviceSize slotBytes = kSlotBytes, std::size_t slots = kSlots);

    // Queues the copy of data to target at offset; returns once data has been copied out (it may be
    // freed), possibly before the device has written it. Throws glassbox::Error when the device fails.
    void upload(const Buffer &target, std::span<const std::byte> data, VkDeviceSize offset = 0);
    // Waits until every queued copy has landed.
    void finish();

private:
    struct Slot {
        Slot(VulkanContext &context, VkDeviceSize bytes);
        Buffer staging;
        CommandSequence copy;
    };

    VulkanContext &m_context;
    VkDeviceSize m_slotBytes;
    std::size_t m_slotCount;
    std::vector<std::unique_ptr<Slot>> m_slots; // created as the uploads need them
    std::size_t m_next = 0;
};

} // namespace glassbox::vulkan
