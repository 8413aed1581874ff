#include "VocabSuite.h"

#include "gguf/GgufFile.h"
#include "tokenizer/BpeTokenizer.h"
#include "util/Error.h"

#include <QTest>

#include <map>

using namespace glassbox;
using namespace glassbox::tokenizer;
using namespace glassbox::tokenizer::test;

namespace
{

std::unique_ptr<Tokenizer> load(const QString &name)
{
    const gguf::GgufFile file(vocabPath(name).toStdString());
    return makeBpeTokenizer(Vocab::fromGguf(file));
}

Vocab handMade(const char *pre, const std::vector<std::string> &tokens, const std::vector<std::string> &merges)
{
    Vocab vocab;
    vocab.model = VocabModel::Bpe;
    vocab.modelName = "gpt2";
    vocab.pre = pre;
    vocab.tokens = tokens;
    vocab.kinds.assign(tokens.size(), TokenKind::Normal);
    for (std::size_t i = 0; i < tokens.size(); ++i)
        vocab.idOf.emplace(tokens[i], static_cast<TokenId>(i));
    vocab.merges = merges;
    return vocab;
}

} // namespace

class BpeTokenizerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodesLikeLlamaCpp_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<TokenId>>("expected");
        const auto row = [](const char *file, const char *text, std::vector<TokenId> expected) {
            QTest::addRow("%s '%s'", file, text) << QString::fromLatin1(file) << QString::fromUtf8(text) << expected;
        };
        // From llama.cpp's test-tokenizer-0 expectations, and gpt-neox-20b's tokenizer for the file
        // that comes without them (no tokenizer.ggml.pre, so llama.cpp's default regexes).
        row("ggml-vocab-gpt-2.gguf", "Hello world", {15496, 995});
        row("ggml-vocab-gpt-2.gguf", "3333333", {24840, 20370});
        row("ggml-vocab-mpt.gguf", " this is 🦙.cpp", {436, 310, 22692, 101, 236, 15, 14161});
        row("ggml-vocab-gpt-neox.gguf", "Hello world", {12092, 1533});
        row("ggml-vocab-gpt-neox.gguf", "3333333", {20084, 20084, 20});
        row("ggml-vocab-falcon.gguf", "3333333", {22287, 22287, 30});
        row("ggml-vocab-starcoder.gguf", " this is 🦙.cpp", {477, 458, 5954, 137, 271, 51, 3779});
        row("ggml-vocab-refact.gguf", "Hello world", {8279, 5788});
        row("ggml-vocab-deepseek-llm.gguf", "Hello world", {17464, 1843});
        row("ggml-vocab-deepseek-coder.gguf", "3333333", {18, 18, 18, 18, 18, 18, 18});
    }

    void encodesLikeLlamaCpp()
    {
        QFETCH(QString, file);
        QFETCH(QString, text);
        QFETCH(std::vector<TokenId>, expected);
        QCOMPARE(tokenizer(file).encode(text.toStdString(), false, false), expected);
    }

    void decodesBytes()
    {
        const Tokenizer &gpt2 = tokenizer(QStringLiteral("ggml-vocab-gpt-2.gguf"));
        const std::string text = "  Führer\n\t🦙 €5, 你好";
        QCOMPARE(gpt2.decode(gpt2.encode(text, false, false)), text);
        QCOMPARE(gpt2.tokenBytes(995), std::string(" world"));
    }

    void mergesByRank()
    {
        // "b c" outranks "a b", so "abc" becomes a + bc, then abc.
        const auto tokenizer = makeBpeTokenizer(handMade("gpt-2", {"a", "b", "c", "ab", "bc", "abc"}, {"b c", "a b", "a bc"}));
        QCOMPARE(tokenizer->encode("abc", false, false), (std::vector<TokenId>{5}));
        QCOMPARE(tokenizer->encode("cab", false, false), (std::vector<TokenId>{2, 3}));
    }

    void ignoreMergesTakesWholeTokens()
    {
        const std::vector<std::string> tokens = {"a", "b", "c", "ab", "abc"};
        const std::vector<std::string> merges = {"a b"};
        QCOMPARE(makeBpeTokenizer(handMade("gpt-2", tokens, merges))->encode("abc", false, false), (std::vector<TokenId>{3, 2}));
        QCOMPARE(makeBpeTokenizer(handMade("llama-bpe", tokens, merges))->encode("abc", false, false), (std::vector<TokenId>{4}));
    }

    void unsupportedPreTokenizerIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(Error, makeBpeTokenizer(handMade("no-such-pre", {"a"}, {"a a"})));
    }

private:
    // Loading a vocabulary takes a while under the sanitizers: each file once.
    const Tokenizer &tokenizer(const QString &name)
    {
        std::unique_ptr<Tokenizer> &loaded = m_loaded[name];
        if (!loaded)
            loaded = load(name);
        return *loaded;
    }

    std::map<QString, std::unique_ptr<Tokenizer>> m_loaded;
};

QTEST_GUILESS_MAIN(BpeTokenizerTest)
#include "BpeTokenizerTest.moc"
