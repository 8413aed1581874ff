#include "VocabSuite.h"

#include "gguf/GgufFile.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <QTest>

using namespace glassbox;
using namespace glassbox::tokenizer;
using namespace glassbox::tokenizer::test;

namespace {

QString show(const std::vector<TokenId> &ids)
{
    QStringList parts;
    for (const TokenId id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(' '));
}

QString escaped(const std::string &text)
{
    QString out;
    for (const QChar c : QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())))
        out += c == QLatin1Char('\n') ? QStringLiteral("\\n") : c == QLatin1Char('\t') ? QStringLiteral("\\t") : QString(c);
    return out;
}

std::unique_ptr<Tokenizer> load(const QString &name)
{
    const gguf::GgufFile file(vocabPath(name).toStdString());
    return Tokenizer::fromGguf(file);
}

} // namespace

// llama.cpp's test-tokenizer-0 over every vocabulary in shared/models/vocab that has expectations.
class TokenizerVocabTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesLlamaCpp_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = vocabFilesWithCases();
        QVERIFY(files.size() >= 10);
        for (const QString &name : files)
            QTest::newRow(qPrintable(name)) << name;
    }

    void matchesLlamaCpp()
    {
        QFETCH(QString, file);
        const std::vector<std::string> cases = readCases(vocabPath(file));
        const std::vector<std::vector<int>> expected = readExpected(vocabPath(file));
        QCOMPARE(cases.size(), expected.size());

        std::unique_ptr<Tokenizer> tokenizer;
        try {
            tokenizer = load(file);
        } catch (const Error &error) {
            QFAIL(qPrintable(file + QStringLiteral(": ") + QString::fromUtf8(error.what())));
        }

        std::size_t passed = 0;
        QStringList mismatches;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const std::vector<TokenId> ids = tokenizer->encode(cases[i], false, false);
            if (ids == std::vector<TokenId>(expected[i].begin(), expected[i].end())) {
                ++passed;
            } else if (mismatches.size() < 5) {
                mismatches << QStringLiteral("case %1 '%2':\n    got      %3\n    expected %4")
                                  .arg(i)
                                  .arg(escaped(cases[i]), show(ids), show(std::vector<TokenId>(expected[i].begin(), expected[i].end())));
            }
        }
        qInfo("%s: %zu/%zu cases passed", qPrintable(file), passed, cases.size());
        if (passed != cases.size())
            QFAIL(qPrintable(QStringLiteral("first mismatches:\n") + mismatches.join(QLatin1Char('\n'))));
    }

    // Byte-level BPE and SPM with byte fallback lose nothing (decode drops the space SPM adds in
    // front); WordPiece lowercases and drops accents and whitespace, so it is not checked.
    void roundTrips_data()
    {
        QTest::addColumn<QString>("file");
        for (const QString &name : vocabFilesWithCases()) {
            const gguf::GgufFile gguf(vocabPath(name).toStdString());
            const std::string model = gguf.getString("tokenizer.ggml.model").value_or("");
            if (model == "llama" || model == "gpt2")
                QTest::newRow(qPrintable(name)) << name;
        }
    }

    void roundTrips()
    {
        QFETCH(QString, file);
        std::unique_ptr<Tokenizer> tokenizer;
        try {
            tokenizer = load(file);
        } catch (const Error &error) {
            QFAIL(qPrintable(file + QStringLiteral(": ") + QString::fromUtf8(error.what())));
        }
        for (const std::string &text : readCases(vocabPath(file))) {
            const std::string decoded = tokenizer->decode(tokenizer->encode(text, false, false));
            QVERIFY2(decoded == text, qPrintable(QStringLiteral("'%1' came back as '%2'").arg(escaped(text), escaped(decoded))));
        }
    }
};

QTEST_GUILESS_MAIN(TokenizerVocabTest)
#include "TokenizerVocabTest.moc"
