#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "TestSupport.h"

using namespace glassbox::test;

namespace {

constexpr auto kStories = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";

CliRun runInspect(const QStringList &arguments)
{
    return runCli(QStringLiteral("inspect"), arguments);
}

QJsonObject runJson(const QStringList &arguments)
{
    const CliRun result = runInspect(arguments + QStringList{QStringLiteral("--json")});
    if (result.exitCode != 0)
        qFatal("glassbox-cli failed: %s", qPrintable(result.errText()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(result.out, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("not a JSON object: %s", qPrintable(error.errorString()));
    return document.object();
}

} // namespace

class InspectCliTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesStories260KAsJson()
    {
        const QJsonObject json = runJson({QString::fromUtf8(kStories)});
        QCOMPARE(json[u"architecture"].toString(), QStringLiteral("llama"));
        QCOMPARE(json[u"ggufVersion"].toInt(), 3);
        QCOMPARE(json[u"fileSize"].toInteger(), 1185376);
        QCOMPARE(json[u"parameterCount"].toInteger(), 292800);
        QCOMPARE(json[u"tensorCount"].toInt(), 48);
        const QJsonArray types = json[u"tensorTypes"].toArray();
        QCOMPARE(types.size(), 1);
        QCOMPARE(types[0][u"type"].toString(), QStringLiteral("F32"));
        QCOMPARE(types[0][u"tensors"].toInt(), 48);
        QCOMPARE(json[u"contextLength"].toInt(), 2048);
        QCOMPARE(json[u"layerCount"].toInt(), 5);
        QCOMPARE(json[u"headCount"].toInt(), 8);
        QCOMPARE(json[u"kvHeadCount"].toInt(), 4);
        QCOMPARE(json[u"headDim"].toInt(), 8);
        QCOMPARE(json[u"embeddingLength"].toInt(), 64);
        QCOMPARE(json[u"feedForwardLength"].toInt(), 172);
        QVERIFY(json[u"slidingWindow"].isNull());
        QCOMPARE(json[u"rope"][u"dimensionCount"].toInt(), 8);
        QVERIFY(json[u"rope"][u"freqBase"].isNull());
        QCOMPARE(json[u"vocabSize"].toInt(), 512);
        QCOMPARE(json[u"tokenizerModel"].toString(), QStringLiteral("llama"));
        QVERIFY(json[u"preTokenizer"].isNull());
        QCOMPARE(json[u"specialTokens"][0][u"role"].toString(), QStringLiteral("bos"));
        QCOMPARE(json[u"specialTokens"][0][u"text"].toString(), QStringLiteral("<s>"));
        QCOMPARE(json[u"hasChatTemplate"].toBool(true), false);

        const QJsonObject memory = json[u"memory"].toObject();
        QCOMPARE(memory[u"context"].toInt(), 2048);
        QCOMPARE(memory[u"kvBytesPerElement"].toInt(), 2);
        QCOMPARE(memory[u"weightBytes"].toInteger(), 292800 * 4);
        QCOMPARE(memory[u"kvCacheBytes"].toInteger(), 2 * 5 * 4 * 8 * 2048 * 2);
        QCOMPARE(memory[u"totalBytes"].toInteger(), 292800 * 4 + 2 * 5 * 4 * 8 * 2048 * 2);
    }

    void contextOptionSizesTheKvCache()
    {
        const QJsonObject json = runJson({QStringLiteral("--ctx"), QStringLiteral("100"), QString::fromUtf8(kStories)});
        QCOMPARE(json[u"memory"][u"context"].toInt(), 100);
        QCOMPARE(json[u"memory"][u"kvCacheBytes"].toInteger(), 2 * 5 * 4 * 8 * 100 * 2);
    }

    void describesVocabOnlyFile()
    {
        const QJsonObject json = runJson({QStringLiteral(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-bert-bge.gguf")});
        QCOMPARE(json[u"parameterCount"].toInteger(), 0);
        QCOMPARE(json[u"tensorTypes"].toArray().size(), 0);
        QCOMPARE(json[u"tokenizerModel"].toString(), QStringLiteral("bert"));
        QCOMPARE(json[u"vocabSize"].toInt(), 30522);
        QCOMPARE(json[u"memory"][u"weightBytes"].toInteger(), 0);
    }

    void printsAlignedText()
    {
        const CliRun result = runInspect({QString::fromUtf8(kStories)});
        QCOMPARE(result.exitCode, 0);
        const QString text = QString::fromUtf8(result.out);
        QVERIFY2(text.contains(QStringLiteral("\nParameters         292,800 (292.80 K)\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nHeads              8 (KV heads 4, head dim 8)\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\n  KV cache         1.25 MiB\n")), qPrintable(text));
    }

    void truncatedFileFails()
    {
        QTemporaryDir dir;
        QFile source(QString::fromUtf8(kStories));
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QString path = dir.filePath(QStringLiteral("truncated.gguf"));
        QFile truncated(path);
        QVERIFY(truncated.open(QIODevice::WriteOnly));
        truncated.write(source.read(100000));
        truncated.close();

        const CliRun result = runInspect({path});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(result.errText().startsWith(QStringLiteral("glassbox-cli inspect: error: ") + path + QStringLiteral(": byte ")), qPrintable(result.errText()));
        QVERIFY2(result.errText().contains(QStringLiteral("runs past the end of the file")), qPrintable(result.errText()));
    }

    void badArgumentsFail()
    {
        QCOMPARE(runInspect({}).exitCode, 1);
        QCOMPARE(runInspect({QString::fromUtf8(kStories), QStringLiteral("--ctx"), QStringLiteral("-5")}).exitCode, 1);
        QCOMPARE(runInspect({QString::fromUtf8(kStories), QStringLiteral("--frobnicate")}).exitCode, 1);
        const CliRun missing = runInspect({QStringLiteral("/nonexistent.gguf")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.errText().contains(QStringLiteral("/nonexistent.gguf: cannot open file")));
    }
};

QTEST_GUILESS_MAIN(InspectCliTest)
#include "InspectCliTest.moc"
