#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

using namespace glassbox::test;

namespace
{

constexpr auto kStories = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";

CliRun runGenerate(const QStringList &arguments)
{
    return runCli(QStringLiteral("generate"), QStringList{QStringLiteral("--model"), QString::fromUtf8(kStories)} + arguments);
}

} // namespace

class GenerateCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonHasOneLinePerTokenAndASummary()
    {
        const CliRun result = runGenerate({QStringLiteral("--prompt"),
                                              QStringLiteral("Once upon a time"),
                                              QStringLiteral("--n"),
                                              QStringLiteral("6"),
                                              QStringLiteral("--kv-type"),
                                              QStringLiteral("f32"),
                                              QStringLiteral("--top"),
                                              QStringLiteral("3"),
                                              QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 7);
        // llama.cpp's greedy continuation of this prompt (shared/reference/stories260K-F32.ref.json).
        const QList<int> expected{432, 383, 286, 261, 376, 298};
        QString text;
        for (int i = 0; i < 6; ++i) {
            QJsonParseError error;
            const QJsonObject token = QJsonDocument::fromJson(lines[i], &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QCOMPARE(token.value(QStringLiteral("id")).toInt(), expected[i]);
            QVERIFY(token.value(QStringLiteral("logprob")).toDouble() <= 0.0);
            const QJsonArray top = token.value(QStringLiteral("top")).toArray();
            QCOMPARE(top.size(), 3);
            QCOMPARE(top[0].toObject().value(QStringLiteral("id")).toInt(), expected[i]);
            QVERIFY(top[1].toObject().contains(QStringLiteral("piece")));
            text += token.value(QStringLiteral("piece")).toString();
        }
        QCOMPARE(text, QStringLiteral(", there was a little g")); // stories260K has 512 tokens, mostly short
        const QJsonObject summary = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(summary.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("length"));
        QCOMPARE(summary.value(QStringLiteral("prompt_tokens")).toInt(), 5);
        QCOMPARE(summary.value(QStringLiteral("generated_tokens")).toInt(), 6);
        QVERIFY(summary.value(QStringLiteral("time_to_first_token_s")).toDouble() > 0.0);
        QVERIFY(summary.contains(QStringLiteral("prefill_tokens_per_s")));
        QVERIFY(summary.contains(QStringLiteral("decode_tokens_per_s")));
    }

    void plainOutputIsTheText()
    {
        const CliRun result = runGenerate({QStringLiteral("--prompt"), QStringLiteral("Once upon a time"), QStringLiteral("--n"), QStringLiteral("6")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray(", there was a little g\n"));
        QVERIFY(result.errText().contains(QStringLiteral("[length]")));
    }

    void smallContextReportsContextFull()
    {
        const CliRun result = runGenerate(
            {QStringLiteral("--prompt"), QStringLiteral("Once upon a time"), QStringLiteral("--ctx"), QStringLiteral("8"), QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject summary = QJsonDocument::fromJson(result.out.trimmed().split('\n').last()).object();
        QCOMPARE(summary.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("context full"));
        QCOMPARE(summary.value(QStringLiteral("generated_tokens")).toInt(), 4);
    }

    void rejectsAnUnknownKvType()
    {
        const CliRun result = runGenerate({QStringLiteral("--prompt"), QStringLiteral("x"), QStringLiteral("--kv-type"), QStringLiteral("q4_0")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.errText().contains(QStringLiteral("KV cache")));
    }
};

QTEST_GUILESS_MAIN(GenerateCommandTest)
#include "GenerateCommandTest.moc"
