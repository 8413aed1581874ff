#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include "ReferenceComparison.h"
#include "TestSupport.h"

#include <optional>

using namespace glassbox;

// Compares the CPU forward pass on the real chat models (scripts/fetch-models.py) with llama.cpp's AVX2
// build, whose float operation order the engine reproduces, with an F32 and with an F16 KV cache
// (tests/data/reference/README.md). Both must meet all of issue #3's thresholds.
class ReferenceRealModelsTest : public QObject
{
    Q_OBJECT

    // All prompts, 32 greedy steps and both KV types take about 40 minutes of CPU time under the
    // sanitizers (CI). The prompts of up to 33 tokens (all but the two long stories: 155 and 161
    // positions) and 8 greedy steps take about 13.
    static constexpr std::size_t kMaxPromptTokens = 33;
    static constexpr std::size_t kMaxGreedySteps = 8;

private Q_SLOTS:
    void matchesLlamaCpp_data()
    {
        QTest::addColumn<QString>("model"); // as scripts/fetch-models.py names it
        QTest::addColumn<QString>("reference"); // tests/data/reference/REFERENCE{,.F16}.ref.json
        QTest::newRow("smollm2") << QStringLiteral("smollm2") << QStringLiteral("SmolLM2-135M-Instruct-Q4_1");
        QTest::newRow("gemma3") << QStringLiteral("gemma3") << QStringLiteral("gemma-3-270m-Q4_K_M");
    }

    void matchesLlamaCpp()
    {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        const QString modelPath = test::fetchModel(model);
        if (modelPath.isEmpty()) {
            const QString why = QStringLiteral("the model could not be fetched: python3 %1 %2 failed").arg(QStringLiteral(GLASSBOX_FETCH_MODELS_SCRIPT), model);
            // CI fetches the models before the tests (scripts/test.sh): there, a missing one is an error.
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why + QStringLiteral(" (no network?)")));
        }
        const QDir dir(QStringLiteral(GLASSBOX_TEST_DATA_DIR "/reference"));
        std::optional<test::Reference> f32 = test::loadReference(dir.filePath(reference + QStringLiteral(".ref.json")), QStringLiteral("llama-avx2"));
        std::optional<test::Reference> f16 = test::loadReference(dir.filePath(reference + QStringLiteral(".F16.ref.json")), QStringLiteral("llama-avx2"));
        QVERIFY2(f32 && f16, qPrintable(QStringLiteral("no F32 and F16 KV references for %1 in %2").arg(reference, dir.path())));
        for (test::Reference *ref : {&*f32, &*f16})
            test::restrictReference(*ref, kMaxPromptTokens, kMaxGreedySteps);
        const std::vector<const test::Reference *> refs{&*f32, &*f16};
        const QString mismatch = test::mismatch(refs, modelPath);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

        const gguf::GgufFile file(modelPath.toStdString());
        compute::CpuBackend backend(2);
        const QString unsupported = test::unsupportedTensor(file, backend);
        QVERIFY2(unsupported.isEmpty(), qPrintable(unsupported));
        model::Transformer transformer(file, backend);
        const QStringList misses = test::compareWithReferences(transformer, reference, refs);
        QVERIFY2(misses.isEmpty(), qPrintable(misses.join(QStringLiteral("\n"))));
    }
};

QTEST_GUILESS_MAIN(ReferenceRealModelsTest)
#include "ReferenceRealModelsTest.moc"
