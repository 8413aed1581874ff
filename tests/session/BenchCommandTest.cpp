#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

using namespace glassbox::test;

// `glassbox-cli bench --json`: the fields tests/bench/run-peer-bench.sh reads, with plausible values.
class BenchCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonReportsRatesAndTheBandwidthFraction()
    {
        const CliRun result = runCli(QStringLiteral("bench"),
                                     {QStringLiteral("--model"),
                                      QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf"),
                                      QStringLiteral("-p"),
                                      QStringLiteral("16"),
                                      QStringLiteral("-n"),
                                      QStringLiteral("4"),
                                      QStringLiteral("--reps"),
                                      QStringLiteral("2"),
                                      QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        QJsonParseError error;
        const QJsonObject bench = QJsonDocument::fromJson(result.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(bench.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(bench.value(QStringLiteral("prefill_tokens")).toInt(), 16);
        QCOMPARE(bench.value(QStringLiteral("decode_tokens")).toInt(), 4);
        QVERIFY(bench.value(QStringLiteral("prefill_tokens_per_s")).toDouble() > 0.0);
        QVERIFY(bench.value(QStringLiteral("decode_tokens_per_s")).toDouble() > 0.0);
        QCOMPARE(bench.value(QStringLiteral("runs")).toObject().value(QStringLiteral("decode_tokens_per_s")).toArray().size(), 2);
        // stories260K: 1,171,200 bytes of F32 tensors, less its 512 x 64 embedding table but one row
        // (it has a separate output head): 1,171,200 - 131,072 + 256.
        QCOMPARE(bench.value(QStringLiteral("weight_bytes_per_token")).toInteger(), 1040384);
        const double bandwidth = bench.value(QStringLiteral("host_read_gb_per_s")).toDouble();
        QVERIFY2(bandwidth > 0.1 && bandwidth < 10000.0, qPrintable(QString::number(bandwidth)));
        const double fraction = bench.value(QStringLiteral("decode_bandwidth_fraction")).toDouble();
        QVERIFY(fraction > 0.0);
        // (The JSON carries 9 significant digits.)
        const double expected = 1040384e-9 * bench.value(QStringLiteral("decode_tokens_per_s")).toDouble() / bandwidth;
        QVERIFY2(qAbs(fraction - expected) <= 1e-6 * expected, qPrintable(QStringLiteral("%1 vs %2").arg(fraction).arg(expected)));
    }
};

QTEST_GUILESS_MAIN(BenchCommandTest)
#include "BenchCommandTest.moc"
