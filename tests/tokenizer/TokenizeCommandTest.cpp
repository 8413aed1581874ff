#include "VocabSuite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryFile>
#include <QTest>

using namespace glassbox::tokenizer::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(GLASSBOX_CLI), QStringList{QStringLiteral("tokenize")} + arguments);
    if (!process.waitForFinished(60000))
        qFatal("glassbox-cli did not finish");
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

QString spm()
{
    return vocabPath(QStringLiteral("ggml-vocab-llama-spm.gguf"));
}

} // namespace

class TokenizeCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsIds()
    {
        const Run withBos = runCli({QStringLiteral("--model"), spm(), QStringLiteral("Hello world")});
        QCOMPARE(withBos.exitCode, 0);
        QCOMPARE(withBos.out, QByteArray("1 15043 3186\n"));
        const Run without = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("Hello world")});
        QCOMPARE(without.out, QByteArray("15043 3186\n"));
    }

    void parsesSpecialTokensOnRequest()
    {
        const Run plain = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("<s>")});
        QVERIFY(plain.out != QByteArray("1\n"));
        const Run special = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("--special"), QStringLiteral("<s>")});
        QCOMPARE(special.out, QByteArray("1\n"));
    }

    void readsFileBytesExactly()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("Hello world\n");
        file.close();
        const Run run = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("--file"), file.fileName()});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("15043 3186 13\n"));
    }

    void writesJson()
    {
        const Run run = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--json"), QStringLiteral("Hi")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(json.value(QStringLiteral("ids")).toArray(), (QJsonArray{1, 6324}));
        QCOMPARE(json.value(QStringLiteral("pieces")).toArray(), (QJsonArray{QStringLiteral("<s>"), QStringLiteral("\u2581Hi")}));
        QCOMPARE(json.value(QStringLiteral("bytes")).toArray(), (QJsonArray{QJsonArray{'<', 's', '>'}, QJsonArray{' ', 'H', 'i'}}));
    }

    void reportsErrors()
    {
        const Run missing = runCli({QStringLiteral("Hello")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("--model"));
        const Run unknown = runCli({QStringLiteral("--model"), spm(), QStringLiteral("--bogus"), QStringLiteral("x")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains("--bogus"));
    }
};

QTEST_GUILESS_MAIN(TokenizeCommandTest)
#include "TokenizeCommandTest.moc"
