#include "compute/vulkan/Buffer.h"
#include "compute/vulkan/CommandSequence.h"
#include "compute/vulkan/ComputePipeline.h"
#include "compute/vulkan/ShaderLibrary.h"
#include "compute/vulkan/ShaderReflection.h"
#include "compute/vulkan/Transfer.h"
#include "compute/vulkan/VulkanContext.h"
#include "util/Error.h"

#include <QTest>

#include <bit>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

using namespace glassbox;
using namespace glassbox::vulkan;

namespace
{

struct RmsNormParameters {
    std::uint32_t columns;
    float eps;
};

constexpr float kEps = 1e-5f;

std::vector<float> randomFloats(std::size_t count, std::uint32_t seed, float low, float high)
{
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> distribution(low, high);
    std::vector<float> values(count);
    for (float &value : values)
        value = distribution(generator);
    return values;
}

std::vector<float> rmsNormReference(const std::vector<float> &x, const std::vector<float> &weight, std::size_t rows, std::size_t columns)
{
    std::vector<float> y(x.size());
    for (std::size_t row = 0; row < rows; ++row) {
        double sumOfSquares = 0;
        for (std::size_t i = 0; i < columns; ++i)
            sumOfSquares += double(x[row * columns + i]) * x[row * columns + i];
        const double scale = 1.0 / std::sqrt(sumOfSquares / double(columns) + kEps);
        for (std::size_t i = 0; i < columns; ++i)
            y[row * columns + i] = static_cast<float>(x[row * columns + i] * scale * weight[i]);
    }
    return y;
}

double maxRelativeError(const std::vector<float> &actual, const std::vector<float> &expected)
{
    double worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        worst = std::max(worst, std::abs(double(actual[i]) - expected[i]) / std::max(std::abs(double(expected[i])), 1e-6));
    return worst;
}

Buffer deviceBuffer(VulkanContext &context, const std::vector<float> &values)
{
    Buffer buffer(context, values.size() * sizeof(float), MemoryUsage::Device);
    upload(context, buffer, std::as_bytes(std::span(values)));
    return buffer;
}

std::vector<float> downloadFloats(VulkanContext &context, const Buffer &buffer)
{
    std::vector<float> values(buffer.size() / sizeof(float));
    download(context, buffer, std::as_writable_bytes(std::span(values)));
    return values;
}

} // namespace

class VulkanRmsNormTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        try {
            const VulkanInstance instance;
            if (instance.devices().empty())
                QSKIP("No Vulkan device: install a driver (Mesa lavapipe works) to run the Vulkan tests");
        } catch (const Error &error) {
            QSKIP(qPrintable(QStringLiteral("No usable Vulkan loader/driver (%1)").arg(QString::fromStdString(error.what()))));
        }
        m_context = std::make_unique<VulkanContext>();
        qInfo("Vulkan device: %s (%s)", m_context->info().name.c_str(), deviceTypeName(m_context->info().type));
    }

    void reflectsRmsNorm()
    {
        QVERIFY(ShaderLibrary::contains("rms_norm"));
        QVERIFY(ShaderLibrary::contains("rms_norm_shared"));
        const ShaderReflection reflection = ShaderReflection::reflect(ShaderLibrary::spirv("rms_norm"));
        QCOMPARE(reflection.bindings.size(), std::size_t(3));
        for (std::uint32_t i = 0; i < 3; ++i) {
            QCOMPARE(reflection.bindings[i].set, 0u);
            QCOMPARE(reflection.bindings[i].binding, i);
            QCOMPARE(reflection.bindings[i].kind, DescriptorKind::StorageBuffer);
        }
        QVERIFY(reflection.bindings[0].readOnly && reflection.bindings[1].readOnly);
        QVERIFY(!reflection.bindings[2].readOnly && reflection.bindings[2].writeOnly);
        QCOMPARE(reflection.pushConstantSize, std::uint32_t(sizeof(RmsNormParameters)));
        QCOMPARE(reflection.localSize, (std::array<std::uint32_t, 3>{128, 1, 1}));
        QCOMPARE(reflection.localSizeIds[0], std::optional<std::uint32_t>(0));
        QVERIFY(!reflection.localSizeIds[1] && !reflection.localSizeIds[2]);
        // The workgroup size, and ggml_float.glsl's FUSED_FMA (sorted by id).
        QCOMPARE(reflection.specializationConstants.size(), std::size_t(2));
        QCOMPARE(reflection.specializationConstants[0].defaultValue, 128u);
        QCOMPARE(reflection.specializationConstants[1].id, 16u);
        QCOMPARE(reflection.specializationConstants[1].defaultValue, 0u);
        QVERIFY_THROWS_EXCEPTION(Error, ShaderLibrary::spirv("no_such_shader"));
    }

    void rmsNormMatchesCpu_data()
    {
        QTest::addColumn<QString>("shader");
        QTest::addColumn<int>("workgroup");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("columns");
        QTest::newRow("7x1") << "rms_norm" << 128 << 7 << 1;
        QTest::newRow("3x4097") << "rms_norm" << 128 << 3 << 4097;
        QTest::newRow("64x64") << "rms_norm" << 128 << 64 << 64;
        QTest::newRow("partial subgroups") << "rms_norm" << 100 << 5 << 1000;
        QTest::newRow("many subgroups") << "rms_norm" << 1024 << 2 << 5000;
        QTest::newRow("shared 3x4097") << "rms_norm_shared" << 128 << 3 << 4097;
        QTest::newRow("shared odd workgroup") << "rms_norm_shared" << 97 << 4 << 333;
        QTest::newRow("shared 7x1") << "rms_norm_shared" << 64 << 7 << 1;
    }

    void rmsNormMatchesCpu()
    {
        QFETCH(QString, shader);
        QFETCH(int, workgroup);
        QFETCH(int, rows);
        QFETCH(int, columns);
        if (std::uint32_t(workgroup) > m_context->info().maxComputeWorkGroupInvocations)
            QSKIP("Workgroup larger than this device allows");
        const ComputePipeline pipeline(*m_context, shader.toStdString(), {{0, std::uint32_t(workgroup)}});
        QCOMPARE(pipeline.localSize()[0], std::uint32_t(workgroup));

        const auto x = randomFloats(std::size_t(rows) * columns, 1, -3.0f, 3.0f);
        const auto weight = randomFloats(columns, 2, -2.0f, 2.0f);
        const Buffer xBuffer = deviceBuffer(*m_context, x);
        const Buffer weightBuffer = deviceBuffer(*m_context, weight);
        const Buffer yBuffer(*m_context, x.size() * sizeof(float), MemoryUsage::Device);

        CommandSequence sequence(*m_context);
        const BufferRange bindings[] = {xBuffer.whole(), weightBuffer.whole(), yBuffer.whole()};
        sequence.dispatch(pipeline, bindings, RmsNormParameters{std::uint32_t(columns), kEps}, {std::uint32_t(rows), 1, 1});
        sequence.run();
        const double error = maxRelativeError(downloadFloats(*m_context, yBuffer), rmsNormReference(x, weight, rows, columns));
        QVERIFY2(error < 1e-5, qPrintable(QStringLiteral("max relative error %1").arg(error)));
    }

    // Two dependent dispatches in one submission need a barrier between them; the sequence can be
    // run again without re-recording.
    void chainedDispatchesAndReplay()
    {
        const ComputePipeline pipeline(*m_context, "rms_norm");
        const std::size_t rows = 4, columns = 777;
        const auto x = randomFloats(rows * columns, 3, -1.0f, 1.0f);
        const auto weight = randomFloats(columns, 4, 0.5f, 1.5f);
        const Buffer xBuffer = deviceBuffer(*m_context, x);
        const Buffer weightBuffer = deviceBuffer(*m_context, weight);
        const Buffer middle(*m_context, x.size() * sizeof(float), MemoryUsage::Device);
        const Buffer out(*m_context, x.size() * sizeof(float), MemoryUsage::Device);

        CommandSequence sequence(*m_context);
        const RmsNormParameters parameters{std::uint32_t(columns), kEps};
        const BufferRange first[] = {xBuffer.whole(), weightBuffer.whole(), middle.whole()};
        const BufferRange second[] = {middle.whole(), weightBuffer.whole(), out.whole()};
        sequence.dispatch(pipeline, first, parameters, {rows, 1, 1}).dispatch(pipeline, second, parameters, {rows, 1, 1});
        const auto expected = rmsNormReference(rmsNormReference(x, weight, rows, columns), weight, rows, columns);
        for (int run = 0; run < 2; ++run) {
            sequence.run();
            QVERIFY(maxRelativeError(downloadFloats(*m_context, out), expected) < 1e-5);
        }
        QVERIFY_THROWS_EXCEPTION(Error, sequence.dispatch(pipeline, first, parameters, {rows, 1, 1}));
        sequence.reset();
        sequence.dispatch(pipeline, first, parameters, {rows, 1, 1}).run();
    }

    void dispatchChecksArguments()
    {
        const ComputePipeline pipeline(*m_context, "rms_norm");
        const Buffer buffer(*m_context, 256, MemoryUsage::Device);
        CommandSequence sequence(*m_context);
        const BufferRange two[] = {buffer.whole(), buffer.whole()};
        const BufferRange three[] = {buffer.whole(), buffer.whole(), buffer.whole()};
        QVERIFY_THROWS_EXCEPTION(Error, sequence.dispatch(pipeline, two, RmsNormParameters{64, kEps}, {1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(Error, sequence.dispatch(pipeline, three, std::uint32_t(64), {1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(Error, ComputePipeline(*m_context, "rms_norm", {{7, 1}}));
        QVERIFY_THROWS_EXCEPTION(Error, ComputePipeline(*m_context, "rms_norm", {{0, 1u << 20}}));
    }

    void bufferRoundTrip()
    {
        const std::vector<float> values = randomFloats(1000, 5, -100.0f, 100.0f);
        const auto bytes = std::as_bytes(std::span(values));

        // upload/download at an offset, whichever path (mapped or staged) the device takes.
        Buffer device(*m_context, bytes.size() + 64, MemoryUsage::Device);
        upload(*m_context, device, bytes, 64);
        std::vector<float> back(values.size());
        download(*m_context, device, std::as_writable_bytes(std::span(back)), 64);
        QCOMPARE(back, values);

        // The staged path explicitly: upload buffer -> device buffer -> readback buffer.
        Buffer staging(*m_context, bytes.size(), MemoryUsage::Upload);
        Buffer readback(*m_context, bytes.size(), MemoryUsage::Readback);
        QVERIFY(staging.mapped() && readback.mapped());
        staging.write(bytes);
        CommandSequence sequence(*m_context);
        sequence.copy(staging, 0, device, 0, bytes.size()).copy(device, 0, readback, 0, bytes.size()).run();
        std::fill(back.begin(), back.end(), 0.0f);
        readback.read(std::as_writable_bytes(std::span(back)));
        QCOMPARE(back, values);

        QVERIFY_THROWS_EXCEPTION(Error, upload(*m_context, device, bytes, 128));
        QVERIFY_THROWS_EXCEPTION(Error, Buffer(*m_context, 0, MemoryUsage::Device));
        QCOMPARE(device.maxBindingRange(), m_context->info().maxStorageBufferRange);
    }

    void rejectsBadDeviceIndex()
    {
        try {
            VulkanContext context(99);
            QFAIL("device index 99 was accepted");
        } catch (const Error &error) {
            QVERIFY2(QByteArray(error.what()).contains("out of range"), error.what());
        }
        qputenv("GLASSBOX_VK_DEVICE", "gpu");
        QVERIFY_THROWS_EXCEPTION(Error, VulkanContext());
        qputenv("GLASSBOX_VK_DEVICE", "0");
        QCOMPARE(VulkanContext().deviceIndex(), std::size_t(0));
        qunsetenv("GLASSBOX_VK_DEVICE");
    }

    void cleanupTestCase()
    {
        m_context.reset();
    }

private:
    std::unique_ptr<VulkanContext> m_context;
};

QTEST_GUILESS_MAIN(VulkanRmsNormTest)
#include "VulkanRmsNormTest.moc"
