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
constexpr auto kText = GLASSBOX_TEST_DATA_DIR "/perplexity/garden-story.txt";

CliRun runPerplexity(const QStringList &arguments)
{
    return runCli(QStringLiteral("perplexity"),
                  QStringList{QStringLiteral("--model"), QString::fromUtf8(kStories), QStringLiteral("--file"), QString::fromUtf8(kText)} + arguments);
}

} // namespace

class PerplexityCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonListsEveryScoredToken()
    {
        const CliRun run =
            runPerplexity({QStringLiteral("--ctx"), QStringLiteral("128"), QStringLiteral("--kv-type"), QStringLiteral("f32"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QJsonParseError error;
        const QJsonObject result = QJsonDocument::fromJson(run.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(result[QStringLiteral("window")].toInt(), 128);
        QCOMPARE(result[QStringLiteral("stride")].toInt(), 64);
        QCOMPARE(result[QStringLiteral("windows")].toInt(), 7);
        QCOMPARE(result[QStringLiteral("tokens_scored")].toInt(), 481); // the text is 482 tokens with BOS
        const QJsonArray tokens = result[QStringLiteral("tokens")].toArray();
        QCOMPARE(tokens.size(), 481);
        double nll = 0.0;
        for (const QJsonValue &token : tokens) {
            QVERIFY(token[QStringLiteral("logprob")].toDouble() <= 0.0);
            QVERIFY(token.toObject().contains(QStringLiteral("piece")));
            nll -= token[QStringLiteral("logprob")].toDouble();
        }
        QCOMPARE(tokens[0][QStringLiteral("piece")].toString(), QStringLiteral(" Once"));
        const double perplexity = result[QStringLiteral("perplexity")].toDouble();
        QVERIFY(std::abs(std::exp(nll / tokens.size()) - perplexity) < 1e-6 * perplexity);
        QVERIFY(perplexity > 1.0 && perplexity < 10.0);
    }

    void textShowsPerplexityTokensAndTime()
    {
        const CliRun run = runPerplexity({});
        QCOMPARE(run.exitCode, 0);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.startsWith(QStringLiteral("perplexity ")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("tokens scored 481 in 1 window of 512 (stride 256)")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("time ")), qPrintable(out));
    }

    void rejectsAStrideOfAWholeWindow()
    {
        const CliRun run = runPerplexity({QStringLiteral("--ctx"), QStringLiteral("64"), QStringLiteral("--stride"), QStringLiteral("64")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.errText().contains(QStringLiteral("stride")), qPrintable(run.errText()));
    }
};

QTEST_GUILESS_MAIN(PerplexityCommandTest)
#include "PerplexityCommandTest.moc"
