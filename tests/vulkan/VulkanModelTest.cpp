#include "compute/cpu/CpuBackend.h"
#include "compute/vulkan/VulkanBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "BackendPair.h"
#include "TestSupport.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace glassbox;

namespace
{

// Issue #5's whole-model thresholds, Vulkan against the CPU reference, both asserted, for the CPU
// drivers' kernels and (GLASSBOX_VK_KERNELS=gpu) the GPUs' alike. Every op of the quantized models
// but Q2_K's matmul rounds bit for bit as the CPU does, so most rows show a KL of 0; the float
// types' matmuls still differ in the last bits.
constexpr double kTargetTopOneAgreement = 0.99;
constexpr double kMaxMeanKl = 0.005;
// Prompts compared per model: enough positions for the thresholds to mean something (a few hundred
// for the small models), few enough for a sanitizer build on lavapipe in CI.
constexpr int kSmallModelPrompts = 4;
constexpr int kChatModelPrompts = 2;

// The teacher-forced inputs of a reference file (the prompts llama.cpp was run on).
std::vector<std::vector<std::int32_t>> referenceInputs(const QString &path, int limit)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    std::vector<std::vector<std::int32_t>> inputs;
    const QJsonArray cases = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cases")).toArray();
    for (const QJsonValue &entry : cases) {
        if (int(inputs.size()) == limit)
            break;
        std::vector<std::int32_t> ids;
        for (const QJsonValue &id : entry.toObject().value(QStringLiteral("teacher_forced")).toObject().value(QStringLiteral("input_ids")).toArray())
            ids.push_back(id.toInt());
        inputs.push_back(std::move(ids));
    }
    return inputs;
}

std::vector<double> logSoftmax(std::span<const float> logits)
{
    const float top = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (float logit : logits)
        sum += std::exp(double(logit) - top);
    const double logSum = std::log(sum) + top;
    std::vector<double> result(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i)
        result[i] = double(logits[i]) - logSum;
    return result;
}

struct Agreement {
    std::size_t positions = 0;
    std::size_t sameTopOne = 0;
    double klSum = 0;
    double klMax = 0;
};

// KL(reference || candidate) and top-1 agreement over every position of one prompt.
void compare(std::span<const float> reference, std::span<const float> candidate, std::size_t vocab, Agreement &agreement)
{
    for (std::size_t row = 0; row * vocab < reference.size(); ++row) {
        const auto p = logSoftmax(reference.subspan(row * vocab, vocab));
        const auto q = logSoftmax(candidate.subspan(row * vocab, vocab));
        double kl = 0;
        for (std::size_t i = 0; i < vocab; ++i)
            kl += std::exp(p[i]) * (p[i] - q[i]);
        agreement.klSum += kl;
        agreement.klMax = std::max(agreement.klMax, kl);
        agreement.sameTopOne += std::max_element(p.begin(), p.end()) - p.begin() == std::max_element(q.begin(), q.end()) - q.begin();
        ++agreement.positions;
    }
}

// With an F16 cache the CPU, like ggml, sums attention's weighted values in F16 one key at a time; the
// GPU sums in F32 (more accurately, in another order), and on quantized models that rounding is
// amplified into flipped activation quanta. An F32 cache compares the two backends' own arithmetic;
// a Q8_0 cache (the user's option) is written and read the same way on both.
std::vector<float> allLogits(compute::ComputeBackend &backend, const gguf::GgufFile &file, std::span<const std::int32_t> tokens, gguf::TensorType kvType)
{
    model::Transformer transformer(file, backend);
    session::Session session(transformer, {.contextLength = tokens.size(), .kvType = kvType});
    return session.prefill(tokens, session::Session::Logits::All);
}

} // namespace

Q_DECLARE_METATYPE(gguf::TensorType)

// Whole models on Vulkan against the CPU reference (itself bit-identical to llama.cpp), for every
// model and type of shared/reference and the two chat models.
class VulkanModelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
    }

    void matchesCpu_data()
    {
        QTest::addColumn<QString>("modelPath");
        QTest::addColumn<QString>("referencePath");
        QTest::addColumn<int>("prompts");
        QTest::addColumn<gguf::TensorType>("kvType");
        const auto f32 = gguf::TensorType::F32;
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        for (const QString &name : dir.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name)) {
            const QString stem = name.chopped(5);
            QTest::newRow(qPrintable(stem)) << dir.filePath(name) << dir.filePath(stem + QStringLiteral(".ref.json")) << kSmallModelPrompts << f32;
        }
        const QDir chatRefs(QStringLiteral(GLASSBOX_TEST_DATA_DIR "/reference"));
        const QString smollm2 = chatRefs.filePath(QStringLiteral("SmolLM2-135M-Instruct-Q4_1.ref.json"));
        const QString gemma3 = chatRefs.filePath(QStringLiteral("gemma-3-270m-Q4_K_M.ref.json"));
        QTest::newRow("smollm2") << QStringLiteral("smollm2") << smollm2 << kChatModelPrompts << f32;
        QTest::newRow("gemma3") << QStringLiteral("gemma3") << gemma3 << kChatModelPrompts << f32;
        QTest::newRow("smollm2 q8_0 cache") << QStringLiteral("smollm2") << smollm2 << kChatModelPrompts << gguf::TensorType::Q8_0;
        QTest::newRow("gemma3 q8_0 cache") << QStringLiteral("gemma3") << gemma3 << kChatModelPrompts << gguf::TensorType::Q8_0;
    }

    void matchesCpu()
    {
        QFETCH(QString, modelPath);
        QFETCH(QString, referencePath);
        QFETCH(int, prompts);
        QFETCH(gguf::TensorType, kvType);
        if (!modelPath.endsWith(QStringLiteral(".gguf"))) {
            const QString name = modelPath;
            modelPath = test::fetchModel(name);
            if (modelPath.isEmpty()) {
                if (qEnvironmentVariableIsSet("CI"))
                    QFAIL(qPrintable(QStringLiteral("could not fetch %1").arg(name)));
                QSKIP(qPrintable(QStringLiteral("could not fetch %1 (offline?)").arg(name)));
            }
        }
        const auto inputs = referenceInputs(referencePath, prompts);
        QVERIFY2(!inputs.empty(), qPrintable(referencePath));

        const gguf::GgufFile file(modelPath.toStdString());
        compute::CpuBackend cpu(2);
        vulkan::VulkanBackend gpu;
        Agreement agreement;
        std::size_t vocab = 0;
        for (const auto &tokens : inputs) {
            const std::vector<float> expected = allLogits(cpu, file, tokens, kvType);
            const std::vector<float> actual = allLogits(gpu, file, tokens, kvType);
            QCOMPARE(actual.size(), expected.size());
            vocab = expected.size() / tokens.size();
            compare(expected, actual, vocab, agreement);
        }
        const double topOne = double(agreement.sameTopOne) / double(agreement.positions);
        const double meanKl = agreement.klSum / double(agreement.positions);
        qInfo("%s: %zu positions, top-1 agreement %.4f, mean KL %.3g nats (max %.3g)",
              QTest::currentDataTag(),
              agreement.positions,
              topOne,
              meanKl,
              agreement.klMax);
        QVERIFY2(topOne >= kTargetTopOneAgreement, qPrintable(QStringLiteral("top-1 agreement %1").arg(topOne)));
        QVERIFY2(meanKl <= kMaxMeanKl, qPrintable(QStringLiteral("mean KL %1").arg(meanKl)));
    }
};

QTEST_GUILESS_MAIN(VulkanModelTest)
#include "VulkanModelTest.moc"
