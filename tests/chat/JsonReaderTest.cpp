#include "util/Error.h"
#include "util/JsonReader.h"

#include <QTest>

using glassbox::JsonValue;
using glassbox::parseJson;

class JsonReaderTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValues()
    {
        const JsonValue value = parseJson(" {\"a\": [1, -2.5e1, true, false, null], \"b\": {\"c\": \"d\"}, \"a\": 0} ");
        QCOMPARE(value.type, JsonValue::Type::Object);
        QCOMPARE(value.keys, (std::vector<std::string>{"a", "b", "a"}));
        const JsonValue *a = value.member("a"); // the first of duplicate names
        QVERIFY(a && a->asArray());
        QCOMPARE(a->items.size(), std::size_t(5));
        QCOMPARE(a->items[0].type, JsonValue::Type::Integer);
        QCOMPARE(a->items[0].integer, std::int64_t(1));
        QCOMPARE(a->items[1].type, JsonValue::Type::Number);
        QCOMPARE(a->items[1].number, -25.0);
        QCOMPARE(a->items[2].type, JsonValue::Type::Bool);
        QVERIFY(a->items[2].boolean);
        QVERIFY(!a->items[3].boolean);
        QCOMPARE(a->items[4].type, JsonValue::Type::Null);
        QCOMPARE(*value.member("b")->member("c")->asString(), std::string("d"));
        QCOMPARE(value.member("zz"), nullptr);
        QCOMPARE(parseJson("[]").items.size(), std::size_t(0));
        QCOMPARE(parseJson("9223372036854775807").integer, INT64_MAX);
        QCOMPARE(parseJson("9223372036854775808").type, JsonValue::Type::Number);
    }

    void decodesStrings()
    {
        const JsonValue value = parseJson("\"q\\\"\\\\\\/\\b\\f\\n\\r\\t \\u00e9\\u20ac\\ud83d\\ude00 raw \xC3\xA9\"");
        QCOMPARE(*value.asString(), std::string("q\"\\/\b\f\n\r\t \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 raw \xC3\xA9"));
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        auto row = [](const char *name, const char *text, const char *message) {
            QTest::newRow(name) << QString::fromUtf8(text) << QString::fromUtf8(message);
        };
        row("empty", "", "f.json: line 1, column 1: unexpected end of input, expected a value");
        row("trailing comma", "[1,]", "f.json: line 1, column 4: expected a value");
        row("missing colon", "{\"a\" 1}", "f.json: line 1, column 6: expected ':'");
        row("bare word", "[nope]", "f.json: line 1, column 2: expected a value");
        row("unterminated string", "\n  \"abc", "f.json: line 2, column 7: unterminated string");
        row("control character", "\"a\tb\"", "f.json: line 1, column 3: control character in string");
        row("bad escape", "\"\\x\"", "f.json: line 1, column 3: bad escape '\\x'");
        row("lone surrogate", "\"\\ud800\"", "f.json: line 1, column 8: unpaired surrogate in \\u escape");
        row("leading zero", "01", "f.json: line 1, column 2: unexpected text after the JSON value");
        row("bare minus", "-", "f.json: line 1, column 2: expected a digit");
        row("huge number", "1e999", "f.json: line 1, column 6: number out of range");
        row("two values", "1 2", "f.json: line 1, column 3: unexpected text after the JSON value");
        row("unquoted key", "{a: 1}", "f.json: line 1, column 2: expected a member name in quotes");
    }

    void rejectsMalformed()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseJson(text.toStdString(), "f.json");
            QFAIL("no error");
        } catch (const glassbox::Error &error) {
            QCOMPARE(QString::fromUtf8(error.what()), message);
        }
    }

    void limitsNesting()
    {
        const std::string deep(100000, '[');
        QVERIFY_THROWS_EXCEPTION(glassbox::Error, parseJson(deep));
        QCOMPARE(parseJson(std::string(500, '[') + std::string(500, ']')).type, JsonValue::Type::Array);
    }
};

QTEST_GUILESS_MAIN(JsonReaderTest)
#include "JsonReaderTest.moc"
