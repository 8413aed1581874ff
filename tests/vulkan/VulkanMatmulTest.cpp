// Vulkan matmul and embedding lookup against the CPU backend and an exact reference, for every
// weight type, on sizes that leave partial workgroups, tiles and windows.

#include "BackendPair.h"
#include "compute/vulkan/FmaProbe.h"

#include "quant/Dequantize.h"

#include <QTest>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace glassbox;
using namespace glassbox::test;
using gguf::TensorType;

Q_DECLARE_METATYPE(gguf::TensorType)

namespace
{

struct TypeCase {
    const char *name;
    TensorType type;
    std::size_t block; // columns of one block (the float types: any; 8 is one dequantization unit)
    // Tolerance against the exact product of the weight and the F32 x, relative to sum_k |w_k x_k| of
    // each output. Both backends round x to the type llama.cpp pairs with the weight (F16/BF16 for
    // those, Q8_0/Q8_K for the block formats; shaders/quantize_input.comp), so the bound is the
    // worst-case effect of that rounding: 2^-11 for F16, 2^-8 for BF16, and half a quantization
    // step, max|x| / 254 per block, for the 8-bit formats, which relative to the mean |x| of uniform
    // data (max / 2) is under 1e-2.
    double exactTolerance;
};

const TypeCase kTypes[] = {
    {"F32", TensorType::F32, 8, 1e-5},
    {"F16", TensorType::F16, 8, 1e-3},
    {"BF16", TensorType::BF16, 8, 5e-3},
    {"Q8_0", TensorType::Q8_0, 32, 1e-2},
    {"Q4_0", TensorType::Q4_0, 32, 1e-2},
    {"Q4_1", TensorType::Q4_1, 32, 1e-2},
    {"Q5_0", TensorType::Q5_0, 32, 1e-2},
    {"Q5_1", TensorType::Q5_1, 32, 1e-2},
    {"Q2_K", TensorType::Q2_K, 256, 1e-2},
    {"Q3_K", TensorType::Q3_K, 256, 1e-2},
    {"Q4_K", TensorType::Q4_K, 256, 1e-2},
    {"Q5_K", TensorType::Q5_K, 256, 1e-2},
    {"Q6_K", TensorType::Q6_K, 256, 1e-2},
};

// Tolerance against the CPU, relative to sum_k |w_k x_k|: both multiply the same rounded values,
// so only the order of the float additions (and, for Q8_K, the rounding of d * q) separates them,
// a few float epsilons (6e-8) for these lengths.
constexpr double kCpuTolerance = 1e-6;

bool isFloat(TensorType type)
{
    return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16;
}

std::vector<float> dequantized(const WeightData &data, std::size_t rows, std::size_t cols)
{
    std::vector<float> values(rows * cols);
    const std::size_t rowBytes = data.bytes.size() / rows;
    for (std::size_t r = 0; r < rows; ++r)
        quant::dequantizeRow(data.info.type, data.bytes.data() + r * rowBytes, values.data() + r * cols, std::int64_t(cols));
    return values;
}

// Largest |actual - expected| / sum_k |w_k x_k| over the outputs (out[t][r] = w[r] · x[t]): the
// rounding error of a dot product scales with that sum, not with the (possibly cancelled) result.
double dotError(const std::vector<float> &actual, const std::vector<float> &expected, const std::vector<float> &w, const std::vector<float> &x, std::size_t cols)
{
    const std::size_t rows = w.size() / cols, tokens = x.size() / cols;
    double worst = 0;
    for (std::size_t t = 0; t < tokens; ++t)
        for (std::size_t r = 0; r < rows; ++r) {
            double magnitude = 1e-30;
            for (std::size_t k = 0; k < cols; ++k)
                magnitude += std::abs(double(w[r * cols + k]) * x[t * cols + k]);
            worst = std::max(worst, std::abs(double(actual[t * rows + r]) - expected[t * rows + r]) / magnitude);
        }
    return worst;
}

std::vector<float> exactProduct(const std::vector<float> &w, const std::vector<float> &x, std::size_t cols)
{
    const std::size_t rows = w.size() / cols, tokens = x.size() / cols;
    std::vector<float> out(rows * tokens);
    for (std::size_t t = 0; t < tokens; ++t)
        for (std::size_t r = 0; r < rows; ++r) {
            double sum = 0;
            for (std::size_t k = 0; k < cols; ++k)
                sum += double(w[r * cols + k]) * x[t * cols + k];
            out[t * rows + r] = float(sum);
        }
    return out;
}

// Halves in [-127, 127] with -127 and 127 in every 32 elements: the 8-bit formats' scale is then 1
// (127 / amax, and -127 / the first largest for Q8_K), so every x.5 is a rounding tie.
std::vector<float> tiedFloats(std::size_t count)
{
    std::mt19937 generator(13);
    std::uniform_int_distribution<int> distribution(-254, 254);
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i)
        values[i] = i % 32 == 3 ? -127.0f : i % 32 == 20 ? 127.0f : float(distribution(generator)) / 2.0f;
    return values;
}

// How many outputs differ from the CPU's in any bit.
int differingBits(const std::vector<float> &actual, const std::vector<float> &expected)
{
    int differing = 0;
    for (std::size_t i = 0; i < actual.size(); ++i)
        differing += std::memcmp(&actual[i], &expected[i], sizeof(float)) != 0;
    return differing;
}

} // namespace

class VulkanMatmulTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
        m_pair = std::make_unique<BackendPair>();
        // The CPU's fused multiply-adds are matched exactly unless the shaders were told to take a
        // device's fma() for fused (GLASSBOX_VK_FUSED_FMA=1) where it is not: then only nearly.
        vulkan::VulkanContext &context = m_pair->gpu.context();
        m_exactFma = !context.fusedFma() || vulkan::probeFma(context).fused();
        if (!m_exactFma)
            qInfo("fma() is taken for fused but rounds twice: the lane sums are compared with a tolerance");
    }

    void matmulMatchesCpu_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("outputs");
        QTest::addColumn<int>("cols");
        QTest::addColumn<double>("exactTolerance");
        QTest::addColumn<bool>("ties");
        for (const TypeCase &c : kTypes) {
            // The float types also get rows that end inside a dequantization unit.
            const int several = int(isFloat(c.type) ? 35 : 3 * c.block);
            const int one = int(c.block);
            const struct {
                int tokens, outputs, cols;
            } shapes[] = {{1, 1, one}, {1, 257, several}, {4, 13, several}, {7, 13, one}, {33, 257, several}, {2, 5, 3}};
            for (const auto &s : shapes) {
                if (s.cols == 3 && !isFloat(c.type))
                    continue;
                QTest::addRow("%s %dx%dx%d", c.name, s.tokens, s.outputs, s.cols) << c.type << s.tokens << s.outputs << s.cols << c.exactTolerance << false;
            }
            // Decode and prefill with x values whose quantization is a tie.
            for (const int tokens : {3, 40})
                QTest::addRow("%s %dx13x%d ties", c.name, tokens, several) << c.type << tokens << 13 << several << c.exactTolerance << true;
        }
    }

    void matmulMatchesCpu()
    {
        QFETCH(TensorType, type);
        QFETCH(int, tokens);
        QFETCH(int, outputs);
        QFETCH(int, cols);
        QFETCH(double, exactTolerance);
        QFETCH(bool, ties);
        const auto values = randomFloats(std::size_t(outputs) * cols, 11);
        const WeightData data = BackendPair::weightData(type, values, outputs, cols);
        const TensorPair weight = m_pair->weight(data);
        const auto xValues = ties ? tiedFloats(std::size_t(tokens) * cols) : randomFloats(std::size_t(tokens) * cols, 12);
        const TensorPair x = m_pair->input(xValues, tokens, cols);
        const TensorPair out = m_pair->create(TensorType::F32, tokens, outputs);
        m_pair->cpu.matmul(*weight.cpu, *x.cpu, *out.cpu);
        m_pair->gpu.matmul(*weight.gpu, *x.gpu, *out.gpu);
        const auto [actual, expected] = m_pair->results(out);

        // The GPU computes with the dequantized weight and x rounded as the CPU rounds it: only that
        // rounding separates it from the exact product, and only float rounding from the CPU.
        const auto w = dequantized(data, outputs, cols);
        const double exactError = dotError(actual, exactProduct(w, xValues, cols), w, xValues, cols);
        QVERIFY2(exactError < exactTolerance, qPrintable(QStringLiteral("error against the exact product %1").arg(exactError)));
        const double cpuError = dotError(actual, expected, w, xValues, cols);
        QVERIFY2(cpuError < kCpuTolerance, qPrintable(QStringLiteral("error against the CPU %1").arg(cpuError)));
    }

    // The legacy formats and the K-quants but Q2_K add up integer quants in the CPU backend's lanes
    // and order (shaders/matmul_lanes.glsl), on CPU drivers (matmul_rows) and GPUs (matmul_ordered)
    // alike, so every output is the CPU's to the bit: decode and prefill, Q4_0 and Q4_K with and
    // without llama.cpp's repacking (a multiple of 8 rows or not), rows that end inside a chunk, rows
    // of more than one round of matmul_ordered's 32 blocks, token counts that leave part of a tile,
    // and magnitudes where every fused multiply-add rounds.
    void laneSumsMatchCpuExactly_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("outputs");
        QTest::addColumn<int>("cols");
        for (const TensorType type : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0})
            for (const auto &s : {std::array{1, 13, 576}, std::array{1, 16, 96}, std::array{5, 24, 640}, std::array{19, 13, 160}, std::array{3, 5, 2080}})
                QTest::addRow("%s %dx%dx%d", std::string(gguf::tensorTypeName(type)).c_str(), s[0], s[1], s[2]) << type << s[0] << s[1] << s[2];
        // Q4_K: repacked (8k rows) or not; 19 tokens take the batched kernel for 16 of them.
        for (const TensorType type : {TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K})
            for (const auto &s : {std::array{1, 13, 512}, std::array{1, 16, 768}, std::array{5, 24, 512}, std::array{19, 16, 256}, std::array{19, 13, 256}, std::array{2, 8, 8448}})
                QTest::addRow("%s %dx%dx%d", std::string(gguf::tensorTypeName(type)).c_str(), s[0], s[1], s[2]) << type << s[0] << s[1] << s[2];
    }

    void laneSumsMatchCpuExactly()
    {
        QFETCH(TensorType, type);
        QFETCH(int, tokens);
        QFETCH(int, outputs);
        QFETCH(int, cols);
        const WeightData data = BackendPair::weightData(type, randomFloats(std::size_t(outputs) * cols, 31, -3.0f, 3.0f), outputs, cols);
        const TensorPair weight = m_pair->weight(data);
        const TensorPair x = m_pair->input(randomFloats(std::size_t(tokens) * cols, 32, -40.0f, 40.0f), tokens, cols);
        const TensorPair out = m_pair->create(TensorType::F32, tokens, outputs);
        m_pair->cpu.matmul(*weight.cpu, *x.cpu, *out.cpu);
        m_pair->gpu.matmul(*weight.gpu, *x.gpu, *out.gpu);
        const auto [actual, expected] = m_pair->results(out);
        if (!m_exactFma) {
            // Sums of terms up to ~4000 that cancel: errors are relative to the largest output.
            float largest = 0.0f, worst = 0.0f;
            for (std::size_t i = 0; i < expected.size(); ++i) {
                largest = std::max(largest, std::abs(expected[i]));
                worst = std::max(worst, std::abs(actual[i] - expected[i]));
            }
            QVERIFY2(worst <= 1e-5f * largest, qPrintable(QStringLiteral("error %1 of largest %2").arg(worst).arg(largest)));
            return;
        }
        const int differing = differingBits(actual, expected);
        QVERIFY2(differing == 0, qPrintable(QStringLiteral("%1 of %2 outputs differ from the CPU's").arg(differing).arg(actual.size())));
    }

    // The fused products (x normalized and rounded once for several weights, the result added into
    // the residual stream or multiplied into silu of the gate) give what the CPU backend's plain ops
    // give: to the bit with either kernel family, whose norm, lane sums and silu round as the CPU does (the float
    // types' matmuls excepted: they add up in another order). The first weight's type picks the
    // rounding the norm is fused with; Q/K/V of mixed types round the normalized x again where a type
    // needs another rounding.
    void fusedMatmulsMatchCpu_data()
    {
        QTest::addColumn<int>("tokens");
        QTest::addColumn<TensorType>("first");
        for (const int tokens : {1, 7})
            for (const TensorType type :
                 {TensorType::Q4_1, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q2_K, TensorType::F32, TensorType::F16, TensorType::BF16})
                QTest::addRow("%s %s", tokens == 1 ? "decode" : "prefill", std::string(gguf::tensorTypeName(type)).c_str()) << tokens << type;
    }

    void fusedMatmulsMatchCpu()
    {
        QFETCH(int, tokens);
        QFETCH(TensorType, first);
        constexpr std::size_t cols = 256, outputs = 40;
        const auto weightOf = [&](TensorType type, std::uint32_t seed) {
            return BackendPair::weightData(type, randomFloats(outputs * cols, seed, -2.0f, 2.0f), outputs, cols);
        };
        const WeightData q = weightOf(first, 51), k = weightOf(TensorType::Q8_0, 52), v = weightOf(TensorType::Q5_1, 53);
        const WeightData up = weightOf(TensorType::Q6_K, 55);
        const TensorPair x = m_pair->input(randomFloats(std::size_t(tokens) * cols, 56, -3.0f, 3.0f), tokens, cols);
        const TensorPair gain = m_pair->input(randomFloats(cols, 58, 0.5f, 2.0f), 1, cols);
        const std::vector<float> residual = randomFloats(std::size_t(tokens) * outputs, 57, -5.0f, 5.0f);
        // GELU looks the gate up as a half (the CPU's table): a gate a last bit away from the CPU's
        // can round to the neighbouring half, a step of up to 2^-10 relative.
        const auto check = [&](const TensorPair &out, const char *what, bool bitExact, double tolerance = 1e-4) {
            const auto [actual, expected] = m_pair->results(out);
            if (bitExact)
                QVERIFY2(differingBits(actual, expected) == 0,
                         qPrintable(QStringLiteral("%1: %2 outputs differ").arg(QLatin1String(what)).arg(differingBits(actual, expected))));
            else
                QVERIFY2(maxRelativeError(actual, expected, 1.0) < tolerance,
                         qPrintable(QStringLiteral("%1: error %2").arg(QLatin1String(what)).arg(maxRelativeError(actual, expected, 1.0))));
        };
        const bool firstExact = !isFloat(first) && first != TensorType::Q2_K;
        constexpr float kEps = 1e-5f;

        const TensorPair wq = m_pair->weight(q), wk = m_pair->weight(k), wv = m_pair->weight(v);
        const TensorPair outQ = m_pair->create(TensorType::F32, tokens, outputs), outK = m_pair->create(TensorType::F32, tokens, outputs),
                         outV = m_pair->create(TensorType::F32, tokens, outputs);
        const TensorPair normed = m_pair->create(TensorType::F32, tokens, cols);
        const compute::MatmulTarget cpuTargets[] = {{wq.cpu.get(), outQ.cpu.get()}, {wk.cpu.get(), outK.cpu.get()}, {wv.cpu.get(), outV.cpu.get()}};
        const compute::MatmulTarget gpuTargets[] = {{wq.gpu.get(), outQ.gpu.get()}, {wk.gpu.get(), outK.gpu.get()}, {wv.gpu.get(), outV.gpu.get()}};
        m_pair->cpu.matmuls({x.cpu.get(), gain.cpu.get(), kEps, normed.cpu.get()}, cpuTargets);
        m_pair->gpu.matmuls({x.gpu.get(), gain.gpu.get(), kEps, normed.gpu.get()}, gpuTargets);
        check(normed, "matmuls' normalized x", true);
        check(outQ, "matmuls Q", firstExact);
        check(outK, "matmuls K", true);
        check(outV, "matmuls V", true);

        const TensorPair accumulator = m_pair->input(residual, tokens, outputs);
        m_pair->cpu.matmulAdd(*wk.cpu, *x.cpu, *accumulator.cpu);
        m_pair->gpu.matmulAdd(*wk.gpu, *x.gpu, *accumulator.gpu);
        check(accumulator, "matmulAdd", true);

        const TensorPair wUp = m_pair->weight(up);
        for (const compute::GateActivation activation : {compute::GateActivation::Silu, compute::GateActivation::Gelu}) {
            const TensorPair gated = m_pair->create(TensorType::F32, tokens, outputs);
            const TensorPair gateNormed = m_pair->create(TensorType::F32, tokens, cols);
            m_pair->cpu.gatedMatmul(*wq.cpu, *wUp.cpu, {x.cpu.get(), gain.cpu.get(), kEps, gateNormed.cpu.get()}, activation, *gated.cpu);
            m_pair->gpu.gatedMatmul(*wq.gpu, *wUp.gpu, {x.gpu.get(), gain.gpu.get(), kEps, gateNormed.gpu.get()}, activation, *gated.gpu);
            check(gateNormed, "gatedMatmul's normalized x", true);
            if (activation == compute::GateActivation::Silu)
                check(gated, "gatedMatmul silu", firstExact);
            else
                check(gated, "gatedMatmul gelu", firstExact, 2e-3);
        }
    }

    void embedMatchesCpu_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<int>("cols");
        for (const TypeCase &c : kTypes) {
            QTest::addRow("%s one block", c.name) << c.type << int(c.block);
            QTest::addRow("%s several blocks", c.name) << c.type << int(isFloat(c.type) ? 37 : 5 * c.block);
        }
    }

    void embedMatchesCpu()
    {
        QFETCH(TensorType, type);
        QFETCH(int, cols);
        const std::size_t rows = 41;
        const WeightData data = BackendPair::weightData(type, randomFloats(rows * cols, 21, -2.0f, 2.0f), rows, cols);
        const TensorPair table = m_pair->weight(data);
        const std::vector<std::int32_t> tokens = {7, 0, 40, 7, 13, 7, 1, 39, 0};
        const TensorPair out = m_pair->create(TensorType::F32, tokens.size(), cols);
        m_pair->cpu.embed(*table.cpu, tokens, *out.cpu);
        m_pair->gpu.embed(*table.gpu, tokens, *out.gpu);
        const auto [actual, expected] = m_pair->results(out);
        // Same arithmetic as the CPU; only a fused multiply-add (d * q + m) may round differently.
        double worst = 0, largest = 1e-30;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            worst = std::max(worst, std::abs(double(actual[i]) - expected[i]));
            largest = std::max(largest, std::abs(double(expected[i])));
        }
        QVERIFY2(worst <= 1e-6 * largest, qPrintable(QStringLiteral("max difference %1 (largest value %2)").arg(worst).arg(largest)));
    }

    void embedRejectsBadTokens()
    {
        const WeightData data = BackendPair::weightData(TensorType::Q8_0, randomFloats(4 * 32, 3), 4, 32);
        const TensorPair table = m_pair->weight(data);
        const TensorPair out = m_pair->create(TensorType::F32, 1, 32);
        const std::int32_t tooLarge[] = {4};
        const std::int32_t negative[] = {-1};
        QVERIFY_THROWS_EXCEPTION(Error, m_pair->gpu.embed(*table.gpu, tooLarge, *out.gpu));
        QVERIFY_THROWS_EXCEPTION(Error, m_pair->gpu.embed(*table.gpu, negative, *out.gpu));
    }

    // A weight larger than one binding (lavapipe: 128 MiB) is used window by window, by matmul in
    // both its decode and prefill shaders and by embed.
    void weightLargerThanOneBinding()
    {
        const std::size_t rows = 33000, cols = 1024; // 135 MB of F32
        const WeightData data = BackendPair::weightData(TensorType::F32, randomFloats(rows * cols, 31), rows, cols);
        if (data.bytes.size() <= m_pair->gpu.context().info().maxStorageBufferRange)
            QSKIP("This device binds the whole weight at once");
        const TensorPair weight = m_pair->weight(data);
        QVERIFY(vulkan::vulkanTensor(*weight.gpu).windows().size() > 1);
        for (const std::size_t tokens : {std::size_t(1), std::size_t(6)}) {
            const TensorPair x = m_pair->input(randomFloats(tokens * cols, 32), tokens, cols);
            const TensorPair out = m_pair->create(TensorType::F32, tokens, rows);
            m_pair->cpu.matmul(*weight.cpu, *x.cpu, *out.cpu);
            m_pair->gpu.matmul(*weight.gpu, *x.gpu, *out.gpu);
            const auto [actual, expected] = m_pair->results(out);
            // Dot products of 1024 terms of magnitude ~10: a floor of 1 leaves room for float rounding.
            QVERIFY2(maxRelativeError(actual, expected, 1.0) < 1e-4, qPrintable(QString::number(maxRelativeError(actual, expected, 1.0))));
        }
        const std::vector<std::int32_t> tokens = {32999, 5, 20000, 32999};
        const TensorPair out = m_pair->create(TensorType::F32, tokens.size(), cols);
        m_pair->cpu.embed(*weight.cpu, tokens, *out.cpu);
        m_pair->gpu.embed(*weight.gpu, tokens, *out.gpu);
        const auto [actual, expected] = m_pair->results(out);
        QCOMPARE(actual, expected);
    }

    // Logits-sized outputs (tokens × a large vocabulary) are written window by window too.
    void outputLargerThanOneBinding()
    {
        const std::size_t rows = 262144, cols = 8, tokens = 130; // 136 MB of output
        if (tokens * rows * sizeof(float) <= m_pair->gpu.context().info().maxStorageBufferRange)
            QSKIP("This device binds the whole output at once");
        const WeightData data = BackendPair::weightData(TensorType::F32, randomFloats(rows * cols, 41), rows, cols);
        const TensorPair weight = m_pair->weight(data);
        const TensorPair x = m_pair->input(randomFloats(tokens * cols, 42), tokens, cols);
        const TensorPair out = m_pair->create(TensorType::F32, tokens, rows);
        QVERIFY(vulkan::vulkanTensor(*out.gpu).windows().size() > 1);
        m_pair->cpu.matmul(*weight.cpu, *x.cpu, *out.cpu);
        m_pair->gpu.matmul(*weight.gpu, *x.gpu, *out.gpu);
        const auto [actual, expected] = m_pair->results(out);
        QVERIFY2(maxRelativeError(actual, expected, 0.1) < 1e-4, qPrintable(QString::number(maxRelativeError(actual, expected, 0.1))));
    }

    void cleanupTestCase()
    {
        m_pair.reset();
    }

private:
    std::unique_ptr<BackendPair> m_pair;
    bool m_exactFma = true;
};

QTEST_GUILESS_MAIN(VulkanMatmulTest)
#include "VulkanMatmulTest.moc"
