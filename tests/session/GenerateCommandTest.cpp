#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

#include <algorithm>

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

    // --temp/--top-k/--seed make a sampling chain; --record-stages lists what each of its stages left.
    void jsonRecordsTheSamplerStages()
    {
        const QStringList arguments{QStringLiteral("--prompt"),
                                    QStringLiteral("Once upon a time"),
                                    QStringLiteral("--n"),
                                    QStringLiteral("3"),
                                    QStringLiteral("--temp"),
                                    QStringLiteral("0.8"),
                                    QStringLiteral("--top-k"),
                                    QStringLiteral("5"),
                                    QStringLiteral("--seed"),
                                    QStringLiteral("42"),
                                    QStringLiteral("--record-stages"),
                                    QStringLiteral("3"),
                                    QStringLiteral("--json")};
        const CliRun result = runGenerate(arguments);
        QCOMPARE(result.exitCode, 0);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject token = QJsonDocument::fromJson(lines[i]).object();
            QVERIFY(token.value(QStringLiteral("entropy")).toDouble() > 0.0);
            QStringList names;
            int survivors = 512;
            for (const QJsonValue &stage : token.value(QStringLiteral("stages")).toArray()) {
                names << stage[QStringLiteral("stage")].toString();
                // Stages only ever remove candidates, and the records list the top 3 of what is left.
                QVERIFY(stage[QStringLiteral("survivors")].toInt() <= survivors);
                survivors = stage[QStringLiteral("survivors")].toInt();
                const QJsonArray top = stage[QStringLiteral("top")].toArray();
                QCOMPARE(top.size(), std::min(3, survivors));
                QVERIFY(top[0].toObject().contains(QStringLiteral("piece")));
                for (int j = 1; j < top.size(); ++j)
                    QVERIFY(top[j - 1][QStringLiteral("probability")].toDouble() >= top[j][QStringLiteral("probability")].toDouble());
            }
            QCOMPARE(names,
                     QStringList(
                         {QStringLiteral("logits"), QStringLiteral("top-k"), QStringLiteral("top-p"), QStringLiteral("min-p"), QStringLiteral("temperature")}));
            QCOMPARE(token.value(QStringLiteral("stages"))[1][QStringLiteral("survivors")].toInt(), 5);
        }
        // The same seed picks the same tokens.
        QCOMPARE(runGenerate(arguments).out.trimmed().split('\n').mid(0, 3), lines.mid(0, 3));
    }

    void showPromptPrintsThePlainPrompt()
    {
        const CliRun result = runGenerate(
            {QStringLiteral("--prompt"), QStringLiteral("Once upon a time"), QStringLiteral("--n"), QStringLiteral("1"), QStringLiteral("--show-prompt")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.errText().startsWith(QStringLiteral("Once upon a time\n")), qPrintable(result.errText()));
    }

    // SmolLM2's ChatML template, with the special tokens it is made of marked.
    void chatRendersTheTemplateWithMarkedSpecialTokens()
    {
        const QString smollm2 = fetchModel(QStringLiteral("smollm2"));
        if (smollm2.isEmpty())
            QSKIP("the model could not be fetched: python3 " GLASSBOX_FETCH_MODELS_SCRIPT " smollm2 failed (no network?)");
        const CliRun result = runCli(QStringLiteral("generate"),
                                     {QStringLiteral("--model"),
                                      smollm2,
                                      QStringLiteral("--chat"),
                                      QStringLiteral("--system"),
                                      QStringLiteral("You are a gardener."),
                                      QStringLiteral("--prompt"),
                                      QStringLiteral("Which flower smells best?"),
                                      QStringLiteral("--n"),
                                      QStringLiteral("8"),
                                      QStringLiteral("--show-prompt"),
                                      QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        const QString prompt = QJsonDocument::fromJson(lines.first()).object().value(QStringLiteral("prompt")).toString();
        QCOMPARE(prompt,
                 QStringLiteral("\u27e6<|im_start|>\u27e7system\nYou are a gardener.\u27e6<|im_end|>\u27e7\n"
                                "\u27e6<|im_start|>\u27e7user\nWhich flower smells best?\u27e6<|im_end|>\u27e7\n"
                                "\u27e6<|im_start|>\u27e7assistant\n"));
        const QJsonObject summary = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(summary.value(QStringLiteral("generated_tokens")).toInt() + 2, lines.size());
        QVERIFY(summary.value(QStringLiteral("generated_tokens")).toInt() > 0);
    }

    void systemNeedsChat()
    {
        const CliRun result = runGenerate({QStringLiteral("--prompt"), QStringLiteral("x"), QStringLiteral("--system"), QStringLiteral("y")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.errText().contains(QStringLiteral("--chat")));
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
