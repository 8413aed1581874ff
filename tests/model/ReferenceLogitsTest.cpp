#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include "ReferenceComparison.h"

#include <optional>

using namespace glassbox;

// Compares the CPU forward pass with llama.cpp's outputs for every model of shared/reference. The
// real chat models have their own tests (ReferenceRealModelsTest), so that ctest runs them in parallel.
//
// Two sets of references, because llama.cpp's own builds disagree by as much as issue #3's thresholds
// allow (tests/data/reference/llama-avx2/README.md):
// - tests/data/reference/llama-avx2: llama.cpp's AVX2 build (libggml-cpu-haswell), whose float operation
//   order the engine reproduces, with an F32 and with an F16 KV cache. Every file must meet all of the
//   issue's thresholds with both.
// - shared/reference: llama.cpp's AVX-512 build (zen4), F32 KV. Top-1 agreement and KL are asserted;
//   the greedy match is printed, since llama.cpp's AVX2 build itself misses it on some files.
class ReferenceLogitsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesLlamaCpp_data()
    {
        QTest::addColumn<QString>("zen4Path");
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        const QStringList files = dir.entryList({QStringLiteral("*.ref.json")}, QDir::Files, QDir::Name);
        if (files.isEmpty())
            QSKIP("no reference files in " GLASSBOX_SHARED_DIR "/reference");
        for (const QString &name : files)
            QTest::newRow(qPrintable(name.chopped(int(qstrlen(".ref.json"))))) << dir.filePath(name);
    }

    void matchesLlamaCpp()
    {
        QFETCH(QString, zen4Path);
        const QString name = QFileInfo(zen4Path).fileName().chopped(int(qstrlen(".ref.json")));
        std::optional<test::Reference> zen4 = test::loadReference(zen4Path, QStringLiteral("zen4"));
        QVERIFY2(zen4, qPrintable(zen4Path));
        zen4->assertGreedy = false;
        const QDir avx2Dir(QStringLiteral(GLASSBOX_TEST_DATA_DIR "/reference/llama-avx2"));
        const std::optional<test::Reference> avx2F32 = test::loadReference(avx2Dir.filePath(name + QStringLiteral(".F32.ref.json")), QStringLiteral("llama-avx2"));
        const std::optional<test::Reference> avx2F16 = test::loadReference(avx2Dir.filePath(name + QStringLiteral(".F16.ref.json")), QStringLiteral("llama-avx2"));
        QVERIFY2(avx2F32 && avx2F16, qPrintable(QStringLiteral("no llama-avx2 reference for %1 in %2").arg(name, avx2Dir.path())));
        const std::vector<const test::Reference *> refs{&*avx2F32, &*avx2F16, &*zen4};

        const QString modelPath = QFileInfo(zen4Path).dir().filePath(zen4->modelFile);
        const QString mismatch = test::mismatch(refs, modelPath);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        const gguf::GgufFile file(modelPath.toStdString());
        compute::CpuBackend backend(2);
        if (const QString unsupported = test::unsupportedTensor(file, backend); !unsupported.isEmpty())
            QSKIP(qPrintable(unsupported));
        model::Transformer transformer(file, backend);
        const QStringList misses = test::compareWithReferences(transformer, name, refs);
        QVERIFY2(misses.isEmpty(), qPrintable(misses.join(QStringLiteral("\n"))));
    }
};

QTEST_GUILESS_MAIN(ReferenceLogitsTest)
#include "ReferenceLogitsTest.moc"
