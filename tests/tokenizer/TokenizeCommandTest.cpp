#include "VocabSuite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTest>

#include "TestSupport.h"

using namespace glassbox::tokenizer::test;
using glassbox::test::CliRun;
using glassbox::test::runCli;

namespace {

CliRun runTokenize(const QStringList &arguments)
{
    return runCli(QStringLiteral("tokenize"), arguments);
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
        const CliRun withBos = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("Hello world")});
        QCOMPARE(withBos.exitCode, 0);
        QCOMPARE(withBos.out, QByteArray("1 15043 3186\n"));
        const CliRun without = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("Hello world")});
        QCOMPARE(without.out, QByteArray("15043 3186\n"));
    }

    void parsesSpecialTokensOnRequest()
    {
        const CliRun plain = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("<s>")});
        QVERIFY(plain.out != QByteArray("1\n"));
        const CliRun special = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("--special"), QStringLiteral("<s>")});
        QCOMPARE(special.out, QByteArray("1\n"));
    }

    void readsFileBytesExactly()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("Hello world\n");
        file.close();
        const CliRun run = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--no-bos"), QStringLiteral("--file"), file.fileName()});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("15043 3186 13\n"));
    }

    void writesJson()
    {
        const CliRun run = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--json"), QStringLiteral("Hi")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(json.value(QStringLiteral("ids")).toArray(), (QJsonArray{1, 6324}));
        QCOMPARE(json.value(QStringLiteral("pieces")).toArray(), (QJsonArray{QStringLiteral("<s>"), QStringLiteral("\u2581Hi")}));
        QCOMPARE(json.value(QStringLiteral("bytes")).toArray(), (QJsonArray{QJsonArray{'<', 's', '>'}, QJsonArray{' ', 'H', 'i'}}));
    }

    void reportsErrors()
    {
        const CliRun missing = runTokenize({QStringLiteral("Hello")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("--model"));
        const CliRun unknown = runTokenize({QStringLiteral("--model"), spm(), QStringLiteral("--bogus"), QStringLiteral("x")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains("--bogus"));
    }
};

QTEST_GUILESS_MAIN(TokenizeCommandTest)
#include "TokenizeCommandTest.moc"
