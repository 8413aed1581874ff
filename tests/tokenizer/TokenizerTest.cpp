#include "VocabSuite.h"

#include "../gguf/GgufBuilder.h"
#include "gguf/GgufFile.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <QTest>

using namespace glassbox;
using namespace glassbox::tokenizer;
using namespace glassbox::tokenizer::test;

namespace {

std::unique_ptr<Tokenizer> load(const char *name)
{
    const gguf::GgufFile file(vocabPath(QString::fromLatin1(name)).toStdString());
    return Tokenizer::fromGguf(file);
}

QString errorOf(const std::vector<std::uint8_t> &bytes)
{
    try {
        const auto file = gguf::GgufFile::fromBytes(bytes, "test.gguf");
        Tokenizer::fromGguf(*file);
    } catch (const Error &error) {
        return QString::fromUtf8(error.what());
    }
    return {};
}

} // namespace

class TokenizerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsVocabMetadata()
    {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        const Vocab &vocab = spm->vocab();
        QCOMPARE(vocab.model, VocabModel::Spm);
        QCOMPARE(vocab.size(), std::size_t(32000));
        QCOMPARE(vocab.bos, 1);
        QCOMPARE(vocab.eos, 2);
        QCOMPARE(vocab.unk, 0);
        QVERIFY(vocab.addBos);
        QVERIFY(!vocab.addEos);
        QVERIFY(vocab.addSpacePrefix);
        QCOMPARE(vocab.kind(3), TokenKind::Byte);

        const auto bert = load("ggml-vocab-bert-bge.gguf");
        QCOMPARE(bert->vocab().model, VocabModel::WordPiece);
        QCOMPARE(bert->vocab().cls, 101);
        QCOMPARE(bert->vocab().sep, 102);
        QCOMPARE(bert->vocab().unk, 100);
        QCOMPARE(bert->vocab().mask, 103);
        QVERIFY(!bert->vocab().addSpacePrefix);
    }

    void parseSpecialMatchesControlTokens()
    {
        const auto phi3 = load("ggml-vocab-phi-3.gguf");
        const TokenId user = phi3->vocab().find("<|user|>");
        QVERIFY(user >= 0);
        const std::vector<TokenId> special = phi3->encode("<|user|>\nHi", false, true);
        QCOMPARE(special.front(), user);
        // Phi-3's special tokens swallow the whitespace after them (llama.cpp's rstrip).
        QCOMPARE(special, (std::vector<TokenId>{user, phi3->vocab().find("\xE2\x96\x81Hi")}));

        const std::vector<TokenId> plain = phi3->encode("<|user|>", false, false);
        QVERIFY(plain.size() > 1);
        QVERIFY(std::find(plain.begin(), plain.end(), user) == plain.end());
        QCOMPARE(phi3->decode(plain), std::string("<|user|>"));
        // The text after a special token gets SPM's space prefix again.
        QCOMPARE(phi3->decode(special, true), std::string("<|user|> Hi"));
    }

    void addSpecialAddsBosOrClsSep()
    {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        const std::vector<TokenId> without = spm->encode("Hello world", false, false);
        std::vector<TokenId> with = spm->encode("Hello world", true, false);
        QCOMPARE(with.front(), 1);
        with.erase(with.begin());
        QCOMPARE(with, without);
        QCOMPARE(spm->encode("", true, false), std::vector<TokenId>{1});
        QVERIFY(spm->encode("", false, false).empty());

        const auto bert = load("ggml-vocab-bert-bge.gguf");
        const std::vector<TokenId> ids = bert->encode("Hello world", true, false);
        QCOMPARE(ids.front(), 101);
        QCOMPARE(ids.back(), 102);
        QCOMPARE(bert->decode(ids), std::string(" hello world"));
    }

    void streamingHoldsBackIncompleteCharacters()
    {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        const Vocab &vocab = spm->vocab();
        // U+20AC EURO SIGN as three byte-fallback tokens.
        StreamingDecoder decoder(*spm);
        QCOMPARE(decoder.push(vocab.find("<0xE2>")), std::string());
        QCOMPARE(decoder.push(vocab.find("<0x82>")), std::string());
        QCOMPARE(decoder.push(vocab.find("<0xAC>")), std::string("\xE2\x82\xAC"));
        QCOMPARE(decoder.push(vocab.find("\xE2\x96\x81ok")), std::string(" ok"));
        QCOMPARE(decoder.flush(), std::string());

        QCOMPARE(decoder.push(vocab.find("<0xE2>")), std::string());
        QCOMPARE(decoder.flush(), std::string("\xEF\xBF\xBD"));
        QCOMPARE(decoder.push(vocab.bos), std::string());
        StreamingDecoder rendering(*spm, true);
        QCOMPARE(rendering.push(vocab.bos), std::string("<s>"));
    }

    void survivesInvalidUtf8()
    {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        QCOMPARE(spm->decode(spm->encode("a\xFF"
                                         "b",
                                         false,
                                         false)),
                 std::string("a\xFF"
                             "b"));
        QVERIFY(!spm->encode("\xC3 \xE2\x82", true, true).empty());
        const auto bert = load("ggml-vocab-bert-bge.gguf");
        QCOMPARE(bert->encode("\xFF\xC3 x\xE2\x82", false, false), std::vector<TokenId>{bert->vocab().find("\xE2\x96\x81x")});
    }

    void rejectsUnknownTokenizerModel()
    {
        gguf::test::GgufBuilder builder;
        builder.header(3, 0, 1).kvString("tokenizer.ggml.model", "sentencefoo").align();
        const QString message = errorOf(builder.bytes());
        QVERIFY2(message.contains(QStringLiteral("'sentencefoo'")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("test.gguf")), qPrintable(message));
    }

    void rejectsMissingVocabulary()
    {
        gguf::test::GgufBuilder noModel;
        noModel.header(3, 0, 1).kvString("general.architecture", "llama").align();
        QVERIFY(errorOf(noModel.bytes()).contains(QStringLiteral("tokenizer.ggml.model")));

        gguf::test::GgufBuilder noTokens;
        noTokens.header(3, 0, 1).kvString("tokenizer.ggml.model", "llama").align();
        QVERIFY(errorOf(noTokens.bytes()).contains(QStringLiteral("tokenizer.ggml.tokens")));

        gguf::test::GgufBuilder duplicate;
        duplicate.header(3, 0, 2).kvString("tokenizer.ggml.model", "llama").key("tokenizer.ggml.tokens", gguf::ValueType::Array);
        duplicate.arrayHeader(gguf::ValueType::String, 3).string("<unk>").string("a").string("a").align();
        const QString message = errorOf(duplicate.bytes());
        QVERIFY2(message.contains(QStringLiteral("duplicate token 'a'")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TokenizerTest)
#include "TokenizerTest.moc"
