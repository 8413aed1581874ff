#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

#include <cmath>

using namespace glassbox::test;

namespace
{

constexpr auto kStories = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";

CliRun runAttention(const QStringList &arguments)
{
    return runCli(QStringLiteral("attention"), QStringList{QStringLiteral("--model"), QString::fromUtf8(kStories)} + arguments);
}

QJsonObject parse(const CliRun &run)
{
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(run.out, &error).object();
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", run.out.constData());
    return object;
}

} // namespace

class AttentionCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // One head: the tokens of the prompt and an n × n causal matrix whose rows are distributions.
    void jsonHasTokensAndOneCausalMatrixPerHead()
    {
        const CliRun run = runAttention({QStringLiteral("--prompt"),
                                         QStringLiteral("Once upon a time"),
                                         QStringLiteral("--layer"),
                                         QStringLiteral("1"),
                                         QStringLiteral("--head"),
                                         QStringLiteral("2"),
                                         QStringLiteral("--kv-type"),
                                         QStringLiteral("f32"),
                                         QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = parse(run);
        const QJsonArray tokens = result.value(QStringLiteral("tokens")).toArray();
        const qsizetype n = tokens.size();
        QVERIFY(n >= 4);
        QCOMPARE(tokens[0].toObject().value(QStringLiteral("id")).toInt(), 1); // BOS
        QVERIFY(tokens[1].toObject().value(QStringLiteral("piece")).toString().endsWith(QStringLiteral("Once")));
        QCOMPARE(result.value(QStringLiteral("layer")).toInt(), 1);
        const QJsonArray heads = result.value(QStringLiteral("heads")).toArray();
        QCOMPARE(heads.size(), 1);
        QCOMPARE(heads[0].toObject().value(QStringLiteral("head")).toInt(), 2);
        const QJsonArray matrix = heads[0].toObject().value(QStringLiteral("probabilities")).toArray();
        QCOMPARE(matrix.size(), n);
        for (qsizetype query = 0; query < n; ++query) {
            const QJsonArray row = matrix[query].toArray();
            QCOMPARE(row.size(), n);
            double sum = 0.0;
            for (qsizetype key = 0; key < n; ++key) {
                const double p = row[key].toDouble();
                QVERIFY(p >= 0.0 && p <= 1.0);
                if (key > query)
                    QCOMPARE(p, 0.0);
                sum += p;
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
        QVERIFY(!result.contains(QStringLiteral("lens")));
    }

    // Without --head every head is shown; --lens adds each layer's top token per position.
    void allHeadsAndTheLogitLens()
    {
        const CliRun run = runAttention(
            {QStringLiteral("--prompt"), QStringLiteral("Once upon a time"), QStringLiteral("--layer"), QStringLiteral("0"), QStringLiteral("--lens"),
                                         QStringLiteral("--kv-type"),
                                         QStringLiteral("f32"),
                                         QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = parse(run);
        QCOMPARE(result.value(QStringLiteral("heads")).toArray().size(), 8);
        const qsizetype n = result.value(QStringLiteral("tokens")).toArray().size();
        const QJsonArray lens = result.value(QStringLiteral("lens")).toArray();
        QCOMPARE(lens.size(), n);
        // stories260K has 5 layers: 6 states per position. After the last layer the top token
        // of "Once upon a time" is llama.cpp's greedy continuation (",", id 432).
        const QJsonArray last = lens[n - 1].toArray();
        QCOMPARE(last.size(), 6);
        QCOMPARE(last[5].toObject().value(QStringLiteral("id")).toInt(), 432);
        QVERIFY(last[5].toObject().value(QStringLiteral("logprob")).toDouble() <= 0.0);
    }

    void tableShowsEachHead()
    {
        const CliRun run = runAttention({QStringLiteral("--prompt"), QStringLiteral("Once upon a time"), QStringLiteral("--layer"), QStringLiteral("4")});
        QCOMPARE(run.exitCode, 0);
        const QString text = QString::fromUtf8(run.out);
        QVERIFY(text.contains(QStringLiteral("layer 4 head 0 ")));
        QVERIFY(text.contains(QStringLiteral("layer 4 head 7 ")));
        QVERIFY(text.contains(QStringLiteral("1.000"))); // the first query sees only itself
    }

    void rejectsMissingOrUnknownLayers()
    {
        CliRun run = runAttention({QStringLiteral("--prompt"), QStringLiteral("Once")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.errText().contains(QStringLiteral("--layer")));
        run = runAttention({QStringLiteral("--prompt"), QStringLiteral("Once"), QStringLiteral("--layer"), QStringLiteral("5")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.errText().contains(QStringLiteral("layer 5 does not exist")));
        run = runAttention({QStringLiteral("--prompt"), QStringLiteral("Once"), QStringLiteral("--layer"), QStringLiteral("0"), QStringLiteral("--head"), QStringLiteral("8")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.errText().contains(QStringLiteral("head 8 does not exist")));
    }
};

QTEST_GUILESS_MAIN(AttentionCommandTest)
#include "AttentionCommandTest.moc"
