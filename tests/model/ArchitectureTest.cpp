#include "TinyGguf.h"
#include "gguf/GgufFile.h"
#include "model/ModelConfig.h"
#include "util/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace glassbox;

// How general.architecture and the per-architecture metadata become a ModelConfig.
class ArchitectureTest : public QObject
{
    Q_OBJECT

private:
    // Header-only models: the metadata a config needs plus token_embd (the config reads the vocab from it).
    static model::ModelConfig configFor(test::TinyGguf &gguf, std::size_t layers, bool longRope = false)
    {
        gguf.count("embedding_length", 64);
        gguf.count("block_count", layers);
        gguf.count("attention.head_count", 4);
        gguf.count("attention.head_count_kv", 2);
        gguf.count("feed_forward_length", 128);
        gguf.count("context_length", 1024);
        gguf.tensor("token_embd.weight", 64, 8);
        if (longRope)
            gguf.tensor("rope_factors_long.weight", 8, 1);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.gguf")).toStdString();
        gguf.write(path);
        return model::ModelConfig::fromGguf(gguf::GgufFile(path));
    }

    static QString errorOf(test::TinyGguf &gguf, bool longRope = false)
    {
        try {
            configFor(gguf, 2, longRope);
        } catch (const Error &error) {
            return QString::fromUtf8(error.what());
        }
        return {};
    }

private Q_SLOTS:
    void namesUnsupportedArchitectures()
    {
        test::TinyGguf gguf("mamba");
        QVERIFY2(errorOf(gguf).contains(QStringLiteral("unsupported architecture 'mamba'")), qPrintable(errorOf(gguf)));
    }

    void rejectsLongRope()
    {
        test::TinyGguf gguf("phi3");
        QVERIFY2(errorOf(gguf, true).contains(QStringLiteral("LongRoPE")), qPrintable(errorOf(gguf, true)));
    }

    void readsGemma3SlidingWindows()
    {
        test::TinyGguf gguf("gemma3");
        gguf.count("attention.sliding_window", 512);
        gguf.real("rope.freq_base", 1e6);
        const model::ModelConfig config = configFor(gguf, 18);
        for (std::size_t layer = 0; layer < 18; ++layer) {
            const bool global = layer == 5 || layer == 11 || layer == 17;
            QCOMPARE(config.isSlidingLayer(layer), !global);
            QCOMPARE(config.ropeFor(layer).freqBase, global ? 1e6f : 1e4f);
            QCOMPARE(config.attentionFor(layer).window, global ? std::size_t(0) : std::size_t(512));
            QVERIFY(config.ropeFor(layer).neox);
        }
        QCOMPARE(config.embeddingScale, std::sqrt(64.0f));
        QCOMPARE(config.attentionScale, 1.0f / std::sqrt(16.0f));
        QCOMPARE(config.finalSoftcap, 0.0f);
    }

    void appliesGemma2Defaults()
    {
        test::TinyGguf gguf("gemma2");
        const model::ModelConfig config = configFor(gguf, 4);
        QCOMPARE(config.attentionSoftcap, 50.0f);
        QCOMPARE(config.finalSoftcap, 30.0f);
        QCOMPARE(config.attentionFor(0).window, std::size_t(4096));
        QCOMPARE(config.attentionFor(1).window, std::size_t(0));
    }

    void keepsLlamaPlain()
    {
        test::TinyGguf gguf("llama");
        const model::ModelConfig config = configFor(gguf, 2);
        QVERIFY(!config.rope.neox);
        QCOMPARE(config.embeddingScale, 1.0f);
        QCOMPARE(config.attentionFor(0).window, std::size_t(0));
        QVERIFY(config.attentionFor(0).causal);
    }
};

QTEST_GUILESS_MAIN(ArchitectureTest)
#include "ArchitectureTest.moc"
