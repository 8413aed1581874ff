#include "StagingRing.h"

#include <algorithm>

namespace glassbox::vulkan
{

StagingRing::Slot::Slot(VulkanContext &context, VkDeviceSize bytes)
    : staging(context, bytes, MemoryUsage::Upload)
    , copy(context)
{
}

StagingRing::StagingRing(VulkanContext &context, VkDeviceSize slotBytes, std::size_t slots)
    : m_context(context)
    , m_slotBytes(slotBytes)
    , m_slotCount(std::max<std::size_t>(slots, 1))
{
}

void StagingRing::upload(const Buffer &target, std::span<const std::byte> data, VkDeviceSize offset)
{
    target.range(offset, data.size()); // checks the bounds before staging anything
    while (!data.empty()) {
        if (m_slots.size() < m_slotCount && m_next == m_slots.size())
            m_slots.push_back(std::make_unique<Slot>(m_context, m_slotBytes));
        Slot &slot = *m_slots[m_next];
        m_next = (m_next + 1) % m_slotCount;
        slot.copy.reset(); // waits for the slot's previous copy
        const std::size_t piece = std::min<std::size_t>(data.size(), m_slotBytes);
        slot.staging.write(data.first(piece));
        slot.copy.copy(slot.staging, 0, target, offset, piece);
        slot.copy.submit();
        data = data.subspan(piece);
        offset += piece;
    }
}

void StagingRing::finish()
{
    for (const auto &slot : m_slots)
        slot->copy.wait();
}

} // namespace glassbox::vulkan
