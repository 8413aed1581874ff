#include "compute/vulkan/FmaProbe.h"
#include "compute/vulkan/VulkanBackend.h"
#include "util/Error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "BackendPair.h"

#include <filesystem>
#include <vector>

using namespace glassbox;
using gguf::TensorType;

// The backend's own machinery, below the kernels: zeroed tensors, host transfers at row offsets,
// tensors larger than one binding, memory accounting, the persisted pipeline cache and timing.
class VulkanBackendTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
        QVERIFY(m_cacheDir.isValid());
        qputenv("GLASSBOX_CACHE_DIR", QFile::encodeName(m_cacheDir.path()));
        m_backend = std::make_unique<vulkan::VulkanBackend>();
    }

    void createdTensorsAreZero()
    {
        auto tensor = m_backend->create(TensorType::F32, 5, 33);
        std::vector<float> values(5 * 33, 1.0f);
        m_backend->read(*tensor, 0, 5, values.data());
        QCOMPARE(values, std::vector<float>(5 * 33, 0.0f));
        // A Q8_0 KV cache holds whole blocks.
        QVERIFY_THROWS_EXCEPTION(std::logic_error, m_backend->create(TensorType::Q8_0, 4, 48));
    }

    void writesAndReadsRowRanges()
    {
        auto tensor = m_backend->create(TensorType::F32, 7, 3);
        const std::vector<float> rows = test::randomFloats(2 * 3, 1);
        m_backend->write(*tensor, 4, 2, rows.data());
        std::vector<float> all(7 * 3);
        m_backend->read(*tensor, 0, 7, all.data());
        QCOMPARE(std::vector<float>(all.begin() + 12, all.begin() + 18), rows);
        QCOMPARE(std::vector<float>(all.begin(), all.begin() + 12), std::vector<float>(12, 0.0f));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, m_backend->read(*tensor, 6, 2, all.data()));
    }

    // Larger than maxStorageBufferRange: split into row windows, each bindable, together covering it.
    void splitsTensorsLargerThanOneBinding()
    {
        const std::uint64_t limit = m_backend->context().info().maxStorageBufferRange;
        const std::size_t cols = 1000;
        const std::uint64_t rows = limit / (cols * sizeof(float)) + 17;
        if (rows * cols * sizeof(float) > 1ull << 31)
            QSKIP("this device binds more than 2 GiB at once; no need to split anything we test");
        auto tensor = m_backend->create(TensorType::F32, rows, cols);
        const auto &windows = vulkan::vulkanTensor(*tensor).windows();
        QVERIFY(windows.size() >= 2);
        std::size_t next = 0;
        for (const vulkan::TensorWindow &window : windows) {
            QCOMPARE(window.firstRow, next);
            QVERIFY(window.range.size <= limit);
            QCOMPARE(window.range.offset % m_backend->context().info().minStorageBufferOffsetAlignment, 0u);
            next += window.rows;
        }
        QCOMPARE(next, std::size_t(rows));
        QVERIFY_THROWS_EXCEPTION(Error, vulkan::vulkanTensor(*tensor).whole());
        // Rows on both sides of the first window's end survive a round trip.
        const std::size_t edge = windows[0].rows - 1;
        const std::vector<float> values = test::randomFloats(2 * cols, 2);
        m_backend->write(*tensor, edge, 2, values.data());
        std::vector<float> back(2 * cols);
        m_backend->read(*tensor, edge, 2, back.data());
        QCOMPARE(back, values);
    }

    void accountsMemory()
    {
        const auto before = m_backend->memoryUse();
        {
            auto cache = m_backend->create(TensorType::F16, 64, 128);
            auto scratch = m_backend->create(TensorType::F32, 4, 100);
            const auto during = m_backend->memoryUse();
            QCOMPARE(during.caches - before.caches, std::uint64_t(64 * 128 * 2));
            QCOMPARE(during.scratch - before.scratch, std::uint64_t(4 * 100 * 4));
            QCOMPARE(during.weights, before.weights);
        }
        const auto after = m_backend->memoryUse();
        QCOMPARE(after.caches, before.caches);
        QCOMPARE(after.scratch, before.scratch);
    }

    void timesDispatches()
    {
        if (!m_backend->context().info().computeTimestamps)
            QSKIP("the device cannot time compute work");
        const std::size_t rows = 3, cols = 4096;
        auto x = m_backend->create(TensorType::F32, rows, cols);
        auto gain = m_backend->create(TensorType::F32, 1, cols);
        auto out = m_backend->create(TensorType::F32, rows, cols);
        m_backend->setProfiling(true);
        m_backend->rmsNorm(*x, *gain, 1e-5f, *out);
        m_backend->rmsNorm(*out, *gain, 1e-5f, *x);
        const auto profile = m_backend->takeProfile();
        m_backend->setProfiling(false);
        QCOMPARE(profile.size(), std::size_t(2));
        for (const auto &timing : profile) {
            QVERIFY(timing.shader.starts_with("rms_norm"));
            QVERIFY(timing.microseconds >= 0);
        }
        m_backend->rmsNorm(*x, *gain, 1e-5f, *out);
        QVERIFY(m_backend->takeProfile().empty());
    }

    // The probe sees whether fma() rounds once. Lavapipe's (Mesa 22.3) rounds the product first, as
    // measured here (every cancelling case shows it), and must not pass for fused.
    void probesWhetherFmaIsFused()
    {
        vulkan::VulkanContext &context = m_backend->context();
        const vulkan::FmaProbeResult probe = vulkan::probeFma(context);
        QCOMPARE(probe.cases, std::size_t(1024));
        QCOMPARE(vulkan::probeFma(context).roundedTwice, probe.roundedTwice);
        if (qEnvironmentVariableIsEmpty("GLASSBOX_VK_FUSED_FMA"))
            QCOMPARE(context.fusedFma(), probe.fused());
        if (context.info().driverName.find("llvmpipe") != std::string::npos) {
            // Half the cases cancel the product: those all show its rounding.
            QVERIFY2(probe.roundedTwice >= probe.cases / 2, qPrintable(QString::number(probe.roundedTwice)));
            QVERIFY(!probe.fused());
        }
    }

    // Pipelines compiled once are kept in the cache folder for the next start.
    void persistsThePipelineCache()
    {
        m_backend.reset();
        const auto files = QDir(m_cacheDir.path()).entryInfoList({QStringLiteral("vulkan-pipelines-*.bin")}, QDir::Files);
        QCOMPARE(files.size(), 1);
        QVERIFY(files[0].size() > 0);
        m_backend = std::make_unique<vulkan::VulkanBackend>();
    }

private:
    QTemporaryDir m_cacheDir;
    std::unique_ptr<vulkan::VulkanBackend> m_backend;
};

QTEST_GUILESS_MAIN(VulkanBackendTest)
#include "VulkanBackendTest.moc"
