#include "BackendPair.h"

#include "compute/vulkan/Transfer.h"
#include "quant/Half.h"

#include <QTest>

#include <chrono>
#include <ctime>
#include <numeric>

using namespace glassbox;
using namespace glassbox::test;
using gguf::TensorType;

namespace
{

struct AttentionCase {
    std::size_t headDim;
    std::size_t heads;
    std::size_t kvHeads;
    std::size_t cacheRows;
    std::vector<std::int32_t> positions;
    TensorType keyType;
    TensorType valueType;
    compute::AttentionParams params;
    std::vector<std::size_t> captured; // heads whose probabilities are compared; none: no capture
};

std::vector<std::int32_t> consecutive(std::int32_t first, std::size_t count)
{
    std::vector<std::int32_t> positions(count);
    std::iota(positions.begin(), positions.end(), first);
    return positions;
}

// A cache of `type` holding values (rounded to F16 for an F16 cache) on both backends. The GPU's F16
// copy is uploaded as raw halves, so the test does not depend on copyRows; a Q8_0 cache is written
// by copyRows on both (VulkanRowOpsTest holds the GPU's to the CPU's bytes).
TensorPair cache(BackendPair &pair, TensorType type, const std::vector<float> &values, std::size_t rows, std::size_t cols)
{
    if (type == TensorType::F32)
        return pair.input(values, rows, cols);
    TensorPair staging = pair.input(values, rows, cols);
    if (type == TensorType::Q8_0) {
        TensorPair tensors = pair.create(type, rows, cols);
        pair.cpu.copyRows(*staging.cpu, 0, *tensors.cpu, 0, rows);
        pair.gpu.copyRows(*staging.gpu, 0, *tensors.gpu, 0, rows);
        return tensors;
    }
    TensorPair tensors = pair.create(TensorType::F16, rows, cols);
    pair.cpu.copyRows(*staging.cpu, 0, *tensors.cpu, 0, rows);
    std::vector<std::uint16_t> halves(values.size());
    std::transform(values.begin(), values.end(), halves.begin(), quant::floatToHalf);
    auto &gpuTensor = vulkan::vulkanTensor(*tensors.gpu);
    pair.gpu.flush(); // create() recorded the zero fill
    vulkan::upload(pair.gpu.context(), gpuTensor.buffer(), std::as_bytes(std::span(halves)));
    return tensors;
}

// Largest |actual - expected| over the elements, relative to the largest |expected|.
double relativeToPeak(const std::vector<float> &actual, const std::vector<float> &expected)
{
    double peak = 0, worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        peak = std::max(peak, std::abs(double(expected[i])));
        worst = std::max(worst, std::abs(double(actual[i]) - expected[i]));
    }
    return peak > 0 ? worst / peak : worst;
}

} // namespace

Q_DECLARE_METATYPE(AttentionCase)

class VulkanAttentionTest : public QObject
{
    Q_OBJECT

private:
    // A data column for the timings: each attention kernel.
    static void kernels()
    {
        QTest::addColumn<bool>("exact");
        QTest::newRow("exact") << true;
        QTest::newRow("online") << false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
    }

    void matchesCpu_data()
    {
        QTest::addColumn<AttentionCase>("test");
        const auto f16 = TensorType::F16;
        const auto f32 = TensorType::F32;
        const compute::AttentionParams plain{.scale = 0.125f};
        // SmolLM2: 9 query heads over 3 KV heads of 64.
        QTest::newRow("smollm2 first token") << AttentionCase{64, 9, 3, 8, {0}, f16, f16, plain, {}};
        QTest::newRow("smollm2 decode at 1000 f16") << AttentionCase{64, 9, 3, 1100, {1000}, f16, f16, plain, {}};
        QTest::newRow("smollm2 decode at 1000 f32") << AttentionCase{64, 9, 3, 1001, {1000}, f32, f32, plain, {}};
        QTest::newRow("smollm2 prefill 37 at 5 f16") << AttentionCase{64, 9, 3, 64, consecutive(5, 37), f16, f16, plain, {}};
        QTest::newRow("smollm2 prefill 37 at 5 f32") << AttentionCase{64, 9, 3, 42, consecutive(5, 37), f32, f32, plain, {}};
        QTest::newRow("prefill 20 at 900 (split)") << AttentionCase{64, 9, 3, 1200, consecutive(900, 20), f16, f16, plain, {}};
        // Gemma-3 270M: 4 query heads over one KV head of 256, sliding-window layers.
        const compute::AttentionParams gemma{.scale = 0.0625f, .scaleQuery = true, .window = 16};
        QTest::newRow("gemma decode at 1500 window") << AttentionCase{256, 4, 1, 1600, {1500}, f16, f16, gemma, {}};
        QTest::newRow("gemma prefill 37 at 5 window") << AttentionCase{256, 4, 1, 48, consecutive(5, 37), f16, f16, gemma, {}};
        QTest::newRow("gemma prefill 37 at 5 f32") << AttentionCase{256, 4, 1, 48, consecutive(5, 37), f32, f32, {.scale = 0.0625f, .scaleQuery = true}, {}};
        // Gemma 3 27B scales the query by 1/sqrt(168), which (unlike 1/16) rounds differently from
        // scaling the products.
        const compute::AttentionParams gemmaLarge{.scale = 0.0771516750f, .scaleQuery = true};
        QTest::newRow("scaled query prefill f16") << AttentionCase{128, 4, 2, 40, consecutive(3, 37), f16, f16, gemmaLarge, {}};
        QTest::newRow("scaled query decode f32") << AttentionCase{128, 4, 2, 600, {550}, f32, f32, gemmaLarge, {}};
        QTest::newRow("head 80 prefill") << AttentionCase{80, 6, 2, 50, consecutive(5, 37), f16, f32, {.scale = 0.11f}, {}};
        QTest::newRow("head 96 decode") << AttentionCase{96, 8, 8, 1030, {1029}, f32, f16, {.scale = 0.1f}, {}};
        QTest::newRow("group of 12 in parts") << AttentionCase{64, 12, 1, 700, consecutive(650, 3), f16, f32, plain, {}};
        QTest::newRow("group of 10 decode") << AttentionCase{128, 20, 2, 900, {800}, f32, f16, {.scale = 0.088f}, {}};
        QTest::newRow("head 128 decode f16") << AttentionCase{128, 32, 8, 2048, {2047}, f16, f16, {.scale = 0.088f}, {}};
        QTest::newRow("head 128 prefill f32") << AttentionCase{128, 4, 2, 40, consecutive(3, 37), f32, f32, {.scale = 0.088f}, {}};
        QTest::newRow("odd head 33 f16") << AttentionCase{33, 3, 1, 300, consecutive(250, 5), f16, f16, {.scale = 0.17f}, {}};
        QTest::newRow("odd head 33 decode") << AttentionCase{33, 2, 1, 600, {550}, f32, f16, {.scale = 0.17f}, {}};
        QTest::newRow("head 36 decode f16") << AttentionCase{36, 3, 1, 600, {599}, f16, f16, {.scale = 0.17f}, {}};
        QTest::newRow("softcap decode") << AttentionCase{64, 4, 2, 1200, {1100}, f32, f32, {.scale = 1.0f, .softcap = 2.0f}, {}};
        QTest::newRow("softcap prefill") << AttentionCase{256, 4, 1, 40, consecutive(1, 37), f16, f16, {.scale = 1.0f, .softcap = 2.0f}, {}};
        QTest::newRow("window decode split") << AttentionCase{64, 9, 3, 1100, {1050}, f16, f16, {.scale = 0.125f, .window = 600}, {}};
        QTest::newRow("scattered positions") << AttentionCase{64, 9, 3, 700, {600, 3, 0, 599, 250, 17, 640}, f32, f16, {.scale = 0.125f, .window = 200}, {}};
        const compute::AttentionParams encoder{.scale = 0.125f, .causal = false};
        QTest::newRow("encoder non-causal") << AttentionCase{64, 12, 12, 37, consecutive(0, 37), f32, f32, encoder, {}};
        QTest::newRow("encoder long (split)") << AttentionCase{64, 2, 2, 700, {0, 5}, f16, f16, encoder, {}};
        QTest::newRow("capture prefill") << AttentionCase{64, 9, 3, 64, consecutive(5, 37), f16, f16, plain, {8, 0, 4}};
        QTest::newRow("capture decode split") << AttentionCase{64, 9, 3, 1100, {1000}, f16, f16, plain, {1, 2}};
        QTest::newRow("capture window softcap")
            << AttentionCase{256, 4, 1, 48, consecutive(5, 37), f32, f32, {.scale = 0.5f, .softcap = 2.0f, .window = 16}, {3}};
        // A Q8_0 cache (the user's option): read as the floats d * q, like an F32 cache.
        const auto q8 = TensorType::Q8_0;
        QTest::newRow("smollm2 decode at 1000 q8_0") << AttentionCase{64, 9, 3, 1001, {1000}, q8, q8, plain, {}};
        QTest::newRow("smollm2 prefill 37 at 5 q8_0") << AttentionCase{64, 9, 3, 42, consecutive(5, 37), q8, q8, plain, {}};
        QTest::newRow("gemma decode at 1500 window q8_0") << AttentionCase{256, 4, 1, 1600, {1500}, q8, q8, gemma, {}};
        QTest::newRow("q8_0 keys, f16 values, split") << AttentionCase{96, 9, 3, 1200, consecutive(900, 20), q8, f16, plain, {}};
        QTest::newRow("one block per head, q8_0 values") << AttentionCase{32, 4, 1, 300, {299}, f32, q8, {.scale = 0.17f}, {}};
        QTest::newRow("capture q8_0") << AttentionCase{64, 9, 3, 64, consecutive(5, 37), q8, q8, plain, {8, 0, 4}};
        // Longer than the exact kernel keeps in workgroup memory: it recomputes the scores.
        QTest::newRow("long decode f16") << AttentionCase{64, 9, 3, 4600, {4500}, f16, f16, plain, {}};
        QTest::newRow("long capture f32") << AttentionCase{64, 4, 2, 4400, {4300, 4301}, f32, f32, plain, {1}};
        QTest::newRow("capture encoder") << AttentionCase{64, 4, 4, 20, consecutive(0, 20), f32, f32, encoder, {0, 3}};
    }

    void matchesCpu()
    {
        QFETCH(AttentionCase, test);
        BackendPair pair;
        const std::size_t rows = test.positions.size();
        const std::size_t qCols = test.heads * test.headDim;
        const std::size_t cacheCols = test.kvHeads * test.headDim;
        const TensorPair q = pair.input(randomFloats(rows * qCols, 1, -3.0f, 3.0f), rows, qCols);
        const TensorPair k = cache(pair, test.keyType, randomFloats(test.cacheRows * cacheCols, 2), test.cacheRows, cacheCols);
        const TensorPair v = cache(pair, test.valueType, randomFloats(test.cacheRows * cacheCols, 3), test.cacheRows, cacheCols);
        const TensorPair out = pair.create(TensorType::F32, rows, qCols);

        // The capture is wider than needed: the columns past the last visible row stay zero too.
        const std::size_t captureCols = test.cacheRows + 3;
        TensorPair capture = pair.create(TensorType::F32, std::max<std::size_t>(rows * test.captured.size(), 1), captureCols);
        const compute::AttentionProbabilities cpuCapture{test.captured, capture.cpu.get()};
        const compute::AttentionProbabilities gpuCapture{test.captured, capture.gpu.get()};
        const bool capturing = !test.captured.empty();
        pair.cpu.attention(*q.cpu, *k.cpu, *v.cpu, test.heads, test.kvHeads, test.positions, test.params, *out.cpu, capturing ? &cpuCapture : nullptr);
        using Kernel = vulkan::VulkanBackend::AttentionKernel;
        for (const Kernel kernel : {Kernel::Exact, Kernel::Online}) {
            const bool exact = kernel == Kernel::Exact;
            pair.gpu.setAttentionKernel(kernel);
            pair.gpu.attention(*q.gpu, *k.gpu, *v.gpu, test.heads, test.kvHeads, test.positions, test.params, *out.gpu, capturing ? &gpuCapture : nullptr);

            const auto [actual, expected] = pair.results(out);
            // The exact kernel rounds as the CPU does, bit for bit, except through a soft cap (GLSL's tanh
            // is not the C library's): then it is held to the online kernel's tolerance. The online one
            // sums F32 in another order (~1e-6), and with an F16 V cache keeps the probabilities in F32
            // where the CPU (like ggml) rounds them to F16, so outputs differ by up to about that
            // rounding (2^-11 relative) of the larger terms.
            const bool bitExact = exact && test.params.softcap == 0.0f;
            const double tolerance = bitExact ? 0.0 : test.valueType == TensorType::F16 ? 1e-3 : 2e-5;
            const double error = relativeToPeak(actual, expected);
            qInfo("%s kernel: output error %.3g (relative to the largest output)", exact ? "exact" : "online", error);
            QVERIFY2(error <= tolerance, qPrintable(QStringLiteral("output error %1").arg(error)));

            if (capturing) {
                const auto [probabilities, expectedProbabilities] = pair.results(capture);
                double worst = 0;
                for (std::size_t i = 0; i < expectedProbabilities.size(); ++i) {
                    if (expectedProbabilities[i] == 0.0f)
                        QVERIFY2(probabilities[i] == 0.0f, qPrintable(QStringLiteral("masked probability %1 is %2").arg(i).arg(probabilities[i])));
                    worst = std::max(worst, std::abs(double(probabilities[i]) - expectedProbabilities[i]));
                }
                qInfo("probability error %.3g", worst);
                QVERIFY2(worst <= (bitExact ? 0.0 : 1e-5), qPrintable(QStringLiteral("probability error %1").arg(worst)));
                // Each captured row sums to 1.
                for (std::size_t r = 0; r < rows * test.captured.size(); ++r) {
                    const auto begin = probabilities.begin() + std::ptrdiff_t(r * captureCols);
                    QVERIFY(std::abs(std::accumulate(begin, begin + std::ptrdiff_t(captureCols), 0.0) - 1.0) < 1e-4);
                }
            }
        }
    }

    void rejectsBadShapes()
    {
        BackendPair pair;
        const TensorPair q = pair.create(TensorType::F32, 1, 64);
        const TensorPair k = pair.create(TensorType::F16, 8, 32);
        const TensorPair out = pair.create(TensorType::F32, 1, 64);
        const std::vector<std::int32_t> position{8};
        QVERIFY_THROWS_EXCEPTION(std::logic_error, pair.gpu.attention(*q.gpu, *k.gpu, *k.gpu, 2, 1, position, {}, *out.gpu, nullptr));
        const std::vector<std::int32_t> fine{7};
        QVERIFY_THROWS_EXCEPTION(std::logic_error, pair.gpu.attention(*q.gpu, *k.gpu, *k.gpu, 3, 1, fine, {}, *out.gpu, nullptr));
        const std::size_t head = 0;
        const TensorPair narrow = pair.create(TensorType::F32, 1, 7);
        const compute::AttentionProbabilities capture{std::span(&head, 1), narrow.gpu.get()};
        QVERIFY_THROWS_EXCEPTION(std::logic_error, pair.gpu.attention(*q.gpu, *k.gpu, *k.gpu, 2, 1, fine, {}, *out.gpu, &capture));
    }

    // One decode step in SmolLM2's shape (9 heads over 3 KV heads of 64): the time of a call that is
    // submitted and waited for on its own, and of one among many recorded into one submission.
    void decodeTiming_data()
    {
        kernels();
    }

    void decodeTiming()
    {
        QFETCH(bool, exact);
        vulkan::VulkanBackend gpu;
        gpu.setAttentionKernel(exact ? vulkan::VulkanBackend::AttentionKernel::Exact : vulkan::VulkanBackend::AttentionKernel::Online);
        for (const TensorType type : {TensorType::F16, TensorType::F32}) {
            for (const std::size_t length : {512u, 2048u}) {
                const auto q = gpu.create(TensorType::F32, 1, 9 * 64);
                const auto k = gpu.create(type, length, 3 * 64);
                const auto v = gpu.create(type, length, 3 * 64);
                const auto out = gpu.create(TensorType::F32, 1, 9 * 64);
                const std::vector<std::int32_t> position{std::int32_t(length - 1)};
                const compute::AttentionParams params{.scale = 0.125f};
                gpu.attention(*q, *k, *v, 9, 3, position, params, *out, nullptr);
                gpu.flush(); // pipelines compiled
                using Clock = std::chrono::steady_clock;
                constexpr int kSingle = 10, kBatched = 20;
                auto start = Clock::now();
                for (int i = 0; i < kSingle; ++i) {
                    gpu.attention(*q, *k, *v, 9, 3, position, params, *out, nullptr);
                    gpu.flush();
                }
                const double single = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kSingle;
                start = Clock::now();
                const std::clock_t cpuStart = std::clock();
                for (int i = 0; i < kBatched; ++i)
                    gpu.attention(*q, *k, *v, 9, 3, position, params, *out, nullptr);
                gpu.flush();
                const double batched = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kBatched;
                // lavapipe runs on the CPU: its threads' time is this process's, whatever else loads the machine.
                const double cpu = double(std::clock() - cpuStart) * 1e6 / CLOCKS_PER_SEC / kBatched;
                qInfo(
                    "decode attention, %s cache, KV length %zu: %.0f us per call alone, %.0f us per call in a batch of %d "
                    "(%.0f us of CPU time)",
                    type == TensorType::F16 ? "F16" : "F32",
                    length,
                    single,
                    batched,
                    kBatched,
                    cpu);
            }
        }
    }

    // A 512-token prompt in SmolLM2's shape, F16 caches: the tiled prefill path.
    void prefillTiming_data()
    {
        kernels();
    }

    void prefillTiming()
    {
        QFETCH(bool, exact);
        vulkan::VulkanBackend gpu;
        gpu.setAttentionKernel(exact ? vulkan::VulkanBackend::AttentionKernel::Exact : vulkan::VulkanBackend::AttentionKernel::Online);
        constexpr std::size_t kRows = 512;
        const auto q = gpu.create(TensorType::F32, kRows, 9 * 64);
        const auto k = gpu.create(TensorType::F16, kRows, 3 * 64);
        const auto v = gpu.create(TensorType::F16, kRows, 3 * 64);
        const auto out = gpu.create(TensorType::F32, kRows, 9 * 64);
        const std::vector<std::int32_t> positions = consecutive(0, kRows);
        const compute::AttentionParams params{.scale = 0.125f};
        gpu.attention(*q, *k, *v, 9, 3, positions, params, *out, nullptr);
        gpu.flush();
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpuStart = std::clock();
        gpu.attention(*q, *k, *v, 9, 3, positions, params, *out, nullptr);
        gpu.flush();
        qInfo("prefill attention, %zu rows: %.1f ms (%.1f ms of CPU time)",
              kRows,
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
              double(std::clock() - cpuStart) * 1e3 / CLOCKS_PER_SEC);
    }
};

QTEST_GUILESS_MAIN(VulkanAttentionTest)
#include "VulkanAttentionTest.moc"
