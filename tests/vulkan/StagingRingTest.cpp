#include "compute/vulkan/Buffer.h"
#include "compute/vulkan/StagingRing.h"
#include "compute/vulkan/Transfer.h"
#include "compute/vulkan/VulkanContext.h"
#include "util/Error.h"

#include <QTest>

#include "BackendPair.h"

#include <cstddef>
#include <optional>
#include <vector>

using namespace glassbox;
using namespace glassbox::vulkan;

namespace
{

std::vector<std::byte> pattern(std::size_t size, unsigned seed)
{
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = std::byte((i * 131 + seed * 17 + i / 251) & 0xff);
    return bytes;
}

} // namespace

// The ring the weights of a discrete GPU go up through: with slots far smaller than the uploads, every
// slot is reused several times while earlier copies may still be in flight, and each byte lands where
// it belongs.
class StagingRingTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
        m_context.emplace();
    }

    void uploadsThroughFewSmallSlots()
    {
        const std::size_t size = 1 << 20;
        Buffer target(*m_context, size, MemoryUsage::Device);
        StagingRing ring(*m_context, 4096, 2);
        std::vector<std::byte> expected(size);
        // Uploads of awkward sizes at awkward offsets, back to back: 3, 1 and 70 slots' worth.
        const std::size_t pieces[][2] = {{100, 10000}, {20000, 4096}, {40000, 70 * 4096 + 13}};
        unsigned seed = 1;
        for (const auto &[offset, length] : pieces) {
            const std::vector<std::byte> data = pattern(length, seed++);
            ring.upload(target, data, offset);
            std::copy(data.begin(), data.end(), expected.begin() + std::ptrdiff_t(offset));
        }
        ring.finish();
        std::vector<std::byte> landed(size);
        download(*m_context, target, landed);
        for (const auto &[offset, length] : pieces)
            QVERIFY(std::equal(landed.begin() + std::ptrdiff_t(offset), landed.begin() + std::ptrdiff_t(offset + length), expected.begin() + std::ptrdiff_t(offset)));
    }

    void refusesUploadsPastTheEnd()
    {
        Buffer target(*m_context, 8192, MemoryUsage::Device);
        StagingRing ring(*m_context, 4096, 2);
        const std::vector<std::byte> data = pattern(5000, 3);
        QVERIFY_THROWS_EXCEPTION(Error, ring.upload(target, data, 4096));
        ring.finish();
    }

    void cleanupTestCase()
    {
        m_context.reset();
    }

private:
    std::optional<VulkanContext> m_context;
};

QTEST_GUILESS_MAIN(StagingRingTest)
#include "StagingRingTest.moc"
