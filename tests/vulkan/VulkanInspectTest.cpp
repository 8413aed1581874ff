#include "compute/cpu/CpuBackend.h"
#include "compute/vulkan/VulkanBackend.h"
#include "gguf/GgufFile.h"
#include "inspect/AttentionCapture.h"
#include "inspect/HiddenStateCapture.h"
#include "inspect/LogitLens.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"

#include <QTest>

#include "BackendPair.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>
#include <vector>

using namespace glassbox;

namespace
{

constexpr auto kModel = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";
constexpr const char *kPrompt = "Once upon a time, there was a little girl named Lily. She liked";
constexpr std::size_t kDecodeSteps = 4;

// One backend's run of the prompt and a few greedy steps with every inspection hook attached.
struct InspectedRun {
    inspect::HiddenStateCapture hidden;
    std::optional<inspect::AttentionCapture> attention;
    std::vector<std::vector<float>> logits; // the prompt's last position, then each step
    std::vector<std::int32_t> tokens;
};

void run(model::Transformer &transformer, const std::vector<std::int32_t> &prompt, const std::vector<std::size_t> &layers, const std::vector<std::size_t> &heads, InspectedRun &out)
{
    out.attention.emplace(layers, heads);
    transformer.setHiddenStateCapture(&out.hidden);
    transformer.setAttentionCapture(&*out.attention);
    session::Session session(transformer, {.contextLength = 64, .kvType = gguf::TensorType::F32});
    out.tokens = prompt;
    out.logits.push_back(session.prefill(prompt));
    for (std::size_t step = 0; step < kDecodeSteps; ++step) {
        const auto &last = out.logits.back();
        const auto next = static_cast<std::int32_t>(std::max_element(last.begin(), last.end()) - last.begin());
        out.tokens.push_back(next);
        out.logits.push_back(session.decode(next));
    }
    transformer.setHiddenStateCapture(nullptr);
    transformer.setAttentionCapture(nullptr);
}

// The n largest logits' ids, as the token inspector lists the alternatives.
std::vector<std::size_t> topIds(const std::vector<float> &logits, std::size_t n)
{
    std::vector<std::size_t> ids(logits.size());
    std::iota(ids.begin(), ids.end(), std::size_t{0});
    std::partial_sort(ids.begin(), ids.begin() + std::ptrdiff_t(n), ids.end(), [&](std::size_t a, std::size_t b) {
        return logits[a] > logits[b];
    });
    ids.resize(n);
    return ids;
}

float largestDifference(std::span<const float> a, std::span<const float> b)
{
    float largest = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i)
        largest = std::max(largest, std::abs(a[i] - b[i]));
    return largest;
}

} // namespace

// The inspector's hooks (hidden states and the logit lens, attention capture, the top-N alternatives)
// on the Vulkan backend give what they give on the CPU, on a real model, for a prompt and decode steps.
class VulkanInspectTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
        m_file = std::make_unique<gguf::GgufFile>(kModel);
        m_cpu = std::make_unique<compute::CpuBackend>(2);
        m_gpu = std::make_unique<vulkan::VulkanBackend>();
        m_cpuModel = std::make_unique<model::Transformer>(*m_file, *m_cpu);
        m_gpuModel = std::make_unique<model::Transformer>(*m_file, *m_gpu);
        const auto tokenizer = tokenizer::Tokenizer::fromGguf(*m_file);
        const std::vector<std::int32_t> prompt = tokenizer->encode(kPrompt, true, false);
        const std::size_t layers = m_cpuModel->config().layers;
        std::vector<std::size_t> allLayers(layers);
        std::iota(allLayers.begin(), allLayers.end(), std::size_t{0});
        std::vector<std::size_t> allHeads(m_cpuModel->config().heads);
        std::iota(allHeads.begin(), allHeads.end(), std::size_t{0});
        run(*m_cpuModel, prompt, allLayers, allHeads, m_onCpu);
        run(*m_gpuModel, prompt, allLayers, allHeads, m_onGpu);
    }

    void sameTokensAndAlternatives()
    {
        QCOMPARE(m_onGpu.tokens, m_onCpu.tokens);
        for (std::size_t i = 0; i < m_onCpu.logits.size(); ++i) {
            QCOMPARE(topIds(m_onGpu.logits[i], 5), topIds(m_onCpu.logits[i], 5));
            QVERIFY2(largestDifference(m_onGpu.logits[i], m_onCpu.logits[i]) < 1e-3f, qPrintable(QString::number(i)));
        }
    }

    void hiddenStatesAndLogitLens()
    {
        QCOMPARE(m_onGpu.hidden.states(), m_onCpu.hidden.states());
        QCOMPARE(m_onGpu.hidden.positions(), m_onCpu.tokens.size());
        for (std::size_t layer = 0; layer < m_onCpu.hidden.states(); ++layer)
            for (std::size_t position = 0; position < m_onCpu.hidden.positions(); ++position) {
                const auto cpu = m_onCpu.hidden.state(layer, position);
                const auto gpu = m_onGpu.hidden.state(layer, position);
                QCOMPARE(gpu.size(), cpu.size());
                QVERIFY2(largestDifference(gpu, cpu) < 1e-4f, qPrintable(QStringLiteral("layer %1, position %2").arg(layer).arg(position)));
            }
        // The lens runs the final norm and output head on each layer's state, here on the GPU.
        const std::size_t last = m_onCpu.hidden.positions() - 1;
        const std::vector<float> cpuLens = inspect::logitLens(*m_cpuModel, m_onCpu.hidden, last);
        const std::vector<float> gpuLens = inspect::logitLens(*m_gpuModel, m_onGpu.hidden, last);
        QCOMPARE(gpuLens.size(), cpuLens.size());
        QVERIFY2(largestDifference(gpuLens, cpuLens) < 1e-3f, qPrintable(QString::number(largestDifference(gpuLens, cpuLens))));
    }

    void attentionMaps()
    {
        const inspect::AttentionCapture &cpu = *m_onCpu.attention;
        const inspect::AttentionCapture &gpu = *m_onGpu.attention;
        QCOMPARE(gpu.positions(), cpu.positions());
        QCOMPARE(gpu.positions(), m_onCpu.tokens.size());
        for (std::size_t layer : cpu.layers())
            for (std::size_t head : cpu.heads()) {
                const std::vector<float> expected = cpu.matrix(layer, head);
                const std::vector<float> actual = gpu.matrix(layer, head);
                QVERIFY2(largestDifference(actual, expected) < 1e-5f, qPrintable(QStringLiteral("layer %1, head %2").arg(layer).arg(head)));
            }
    }

    void cleanupTestCase()
    {
        m_gpuModel.reset();
        m_gpu.reset();
    }

private:
    std::unique_ptr<gguf::GgufFile> m_file;
    std::unique_ptr<compute::CpuBackend> m_cpu;
    std::unique_ptr<vulkan::VulkanBackend> m_gpu;
    std::unique_ptr<model::Transformer> m_cpuModel;
    std::unique_ptr<model::Transformer> m_gpuModel;
    InspectedRun m_onCpu;
    InspectedRun m_onGpu;
};

QTEST_GUILESS_MAIN(VulkanInspectTest)
#include "VulkanInspectTest.moc"
