#include "tokenizer/PreTokenizer.h"
#include "util/Error.h"

#include <QTest>

using namespace glassbox;
using namespace glassbox::tokenizer;

namespace
{

QStringList pieces(const PreTokenizer &preTokenizer, const QString &text)
{
    QStringList out;
    for (const std::string &piece : preTokenizer.split(text.toStdString()))
        out << QString::fromStdString(piece);
    return out;
}

} // namespace

class PreTokenizerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splits_data()
    {
        QTest::addColumn<QString>("pre");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");

        const auto row = [](const char *name, const char *pre, const char *text, std::initializer_list<const char *> expected) {
            QStringList pieces;
            for (const char *piece : expected)
                pieces << QString::fromUtf8(piece);
            QTest::newRow(name) << QString::fromUtf8(pre) << QString::fromUtf8(text) << pieces;
        };
        row("gpt-2 words", "gpt-2", "Hello world", {"Hello", " world"});
        row("gpt-2 contraction", "gpt-2", "I'm", {"I", "'m"});
        row("gpt-2 contractions are lower case", "gpt-2", "I'M", {"I", "'", "M"});
        row("gpt-2 number", "gpt-2", "1234567", {"1234567"});
        row("gpt-2 leading spaces", "gpt-2", "   a", {"  ", " a"});
        row("gpt-2 trailing spaces", "gpt-2", "a   ", {"a", "   "});
        row("gpt-2 newlines", "gpt-2", "\n\n\n", {"\n\n\n"});
        row("gpt-2 newlines between words", "gpt-2", "Hello\n\nworld", {"Hello", "\n", "\n", "world"});
        row("gpt-2 unicode", "gpt-2", "héllo wörld!?", {"héllo", " wörld", "!?"});
        row("gpt-2 emoji", "gpt-2", " 🦙.cpp", {" 🦙.", "cpp"});
        row("mpt is gpt-2", "mpt", "I'm 42", {"I", "'m", " 42"});
        row("default punctuation", "default", "Hello, world!", {"Hello", ",", " world", "!"});
        row("default number", "default", "1234567", {"123", "456", "7"});
        row("default dollar", "default", "$100", {"$", "100"});
        row("no pre is default", "", "1234567", {"123", "456", "7"});
        row("falcon number", "falcon", "x 1234567", {"x", " ", "123", "456", "7"});
        row("falcon backtick", "falcon", "`a`", {"`", "a", "`"});
        row("starcoder digits", "starcoder", "a 123", {"a", " ", "1", "2", "3"});
        row("refact is starcoder", "refact", "12", {"1", "2"});
        row("smollm is starcoder", "smollm", "12", {"1", "2"});
        row("llama3 number", "llama-bpe", "1234567", {"123", "456", "7"});
        row("llama3 contraction", "llama3", "I'M", {"I", "'M"});
        row("llama3 leading spaces", "llama-bpe", "   a", {"  ", " a"});
        row("llama3 newlines", "llama-bpe", "Hello\n\nworld", {"Hello", "\n\n", "world"});
        row("llama3 punctuation word", "llama-bpe", "(hello)", {"(hello", ")"});
        row("qwen2 digits", "qwen2", "x123", {"x", "1", "2", "3"});
        row("deepseek-coder", "deepseek-coder", "a\n\n 12 你好", {"a", "\n", "\n", " ", "1", "2", " ", "你好"});
        row("deepseek-llm", "deepseek-llm", "Hello, 世界 123!  ", {"Hello", ",", " ", "世界", " ", "123", "!", "  "});
        // llama.cpp's regex engine never sees U+3000 inside a bracketed range, only as \s.
        row("deepseek-llm ideographic space", "deepseek-llm", "\u3000。", {"\u3000", "。"});
        row("deepseek-llm ideographic space alone", "deepseek-llm", "世\u3000界", {"世", "\u3000", "界"});
        row("empty", "gpt-2", "", {});
    }

    void splits()
    {
        QFETCH(QString, pre);
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const PreTokenizer preTokenizer(pre.toStdString());
        QCOMPARE(pieces(preTokenizer, text), expected);
    }

    // Every regex list compiles, and its pieces put together give back the text.
    void everyPreTokenizerCoversTheText()
    {
        const std::string text =
            "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～\n \n\n \t\t\u3000 IMGIMGAZ <sentinel:1> "
            "Cửa Việt 3333333 ÀÉÎ ｱｲｳ ①²";
        for (const std::string_view name : PreTokenizer::supportedNames()) {
            const PreTokenizer preTokenizer(name);
            std::string joined;
            for (const std::string &piece : preTokenizer.split(text)) {
                QVERIFY2(!piece.empty(), name.data());
                joined += piece;
            }
            QVERIFY2(joined == text, name.data());
        }
    }

    void invalidUtf8BecomesReplacementCharacters()
    {
        const PreTokenizer preTokenizer("gpt-2");
        const std::vector<std::string> expected = {"a", "\xEF\xBF\xBD\xEF\xBF\xBD", " b"};
        QCOMPARE(preTokenizer.split("a\xC3\xFF b"), expected);
    }

    void longRunsDoNotExhaustTheMatcher()
    {
        const PreTokenizer preTokenizer("llama-bpe");
        const std::string spaces(200000, ' ');
        const std::vector<std::string> expected = {std::string(199999, ' '), " a"};
        QCOMPARE(preTokenizer.split(spaces + "a"), expected);
        const std::string letters(200000, 'x');
        QCOMPARE(preTokenizer.split(letters), std::vector<std::string>{letters});
    }

    void ignoreMergesFollowsLlamaCpp()
    {
        QVERIFY(PreTokenizer("llama-bpe").ignoresMerges());
        QVERIFY(!PreTokenizer("gpt-2").ignoresMerges());
        QVERIFY(!PreTokenizer("qwen2").ignoresMerges());
    }

    void unknownNameIsAnError()
    {
        QVERIFY(!PreTokenizer::supports("no-such-pre"));
        QVERIFY_THROWS_EXCEPTION(Error, PreTokenizer("no-such-pre"));
    }
};

QTEST_GUILESS_MAIN(PreTokenizerTest)
#include "PreTokenizerTest.moc"
