#include "tokenizer/Utf8.h"

#include <QTest>

using namespace glassbox::tokenizer;

class Utf8Test : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesLikeLlamaCpp()
    {
        QCOMPARE(utf8::decode("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), (std::vector<char32_t>{U'a', U'\u00E9', U'\u20AC', U'\U0001F600'}));
        // One U+FFFD per byte that starts no valid sequence.
        QCOMPARE(utf8::decode("\xE2\x82x\x80"), (std::vector<char32_t>{U'\uFFFD', U'\uFFFD', U'x', U'\uFFFD'}));
        QCOMPARE(utf8::sequenceLength('\xF0'), std::size_t(4));
        QCOMPARE(utf8::sequenceLength('\x80'), std::size_t(1));
    }

    void findsTheCompletePrefix()
    {
        QCOMPARE(utf8::completePrefix("ab"), std::size_t(2));
        QCOMPARE(utf8::completePrefix("a\xE2"), std::size_t(1));
        QCOMPARE(utf8::completePrefix("a\xE2\x82"), std::size_t(1));
        QCOMPARE(utf8::completePrefix("a\xE2\x82\xAC"), std::size_t(4));
        QCOMPARE(utf8::completePrefix("a\xF0\x9F\x98"), std::size_t(1));
        // Stray continuation bytes can never be completed, so they are not held back.
        QCOMPARE(utf8::completePrefix("a\x80"), std::size_t(2));
    }

    void sanitizes()
    {
        QCOMPARE(utf8::sanitize("ok\xE2\x82\xAC"), std::string("ok\xE2\x82\xAC"));
        QCOMPARE(utf8::sanitize("a\xFF"
                                "b\xE2\x82"),
                 std::string("a\xEF\xBF\xBD"
                             "b\xEF\xBF\xBD\xEF\xBF\xBD"));
    }
};

QTEST_GUILESS_MAIN(Utf8Test)
#include "Utf8Test.moc"
