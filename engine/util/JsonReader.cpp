#include "JsonReader.h"

#include "Error.h"

#include <charconv>
#include <cmath>

namespace glassbox {

const JsonValue *JsonValue::member(std::string_view key) const
{
    if (type != Type::Object)
        return nullptr;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == key)
            return &items[i];
    }
    return nullptr;
}

namespace {

constexpr int kMaxDepth = 512;

class JsonParser
{
public:
    JsonParser(std::string_view text, const std::string &label) : m_text(text), m_label(label) {}

    JsonValue parseDocument()
    {
        JsonValue value = parseValue(0);
        skipWhitespace();
        if (m_pos != m_text.size())
            fail("unexpected text after the JSON value");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string &what) const
    {
        int line = 1;
        int column = 1;
        for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw Error(m_label + ": line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what);
    }

    template<typename Fill>
    static JsonValue make(JsonValue::Type type, Fill fill)
    {
        JsonValue value;
        value.type = type;
        fill(value);
        return value;
    }

    void skipWhitespace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool consume(char c)
    {
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    void expect(char c)
    {
        if (!consume(c))
            fail(std::string("expected '") + c + "'");
    }

    JsonValue parseValue(int depth)
    {
        if (depth > kMaxDepth)
            fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        skipWhitespace();
        if (m_pos >= m_text.size())
            fail("unexpected end of input, expected a value");
        const char c = m_text[m_pos];
        if (c == '{')
            return parseObject(depth);
        if (c == '[')
            return parseArray(depth);
        if (c == '"')
            return make(JsonValue::Type::String, [&](JsonValue &v) { v.string = parseString(); });
        if (c == '-' || (c >= '0' && c <= '9'))
            return parseNumber();
        for (const std::string_view word : {"true", "false", "null"}) {
            if (m_text.substr(m_pos, word.size()) == word) {
                m_pos += word.size();
                return make(word == "null" ? JsonValue::Type::Null : JsonValue::Type::Bool, [&](JsonValue &v) { v.boolean = word == "true"; });
            }
        }
        fail("expected a value");
    }

    JsonValue parseObject(int depth)
    {
        ++m_pos;
        JsonValue object;
        object.type = JsonValue::Type::Object;
        if (consume('}'))
            return object;
        do {
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                fail("expected a member name in quotes");
            std::string key = parseString();
            expect(':');
            object.keys.push_back(std::move(key));
            object.items.push_back(parseValue(depth + 1));
        } while (consume(','));
        expect('}');
        return object;
    }

    JsonValue parseArray(int depth)
    {
        ++m_pos;
        JsonValue array;
        array.type = JsonValue::Type::Array;
        if (consume(']'))
            return array;
        do {
            array.items.push_back(parseValue(depth + 1));
        } while (consume(','));
        expect(']');
        return array;
    }

    unsigned readHex4()
    {
        if (m_pos + 4 > m_text.size())
            fail("truncated \\u escape");
        unsigned value = 0;
        const auto result = std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + 4, value, 16);
        if (result.ptr != m_text.data() + m_pos + 4)
            fail("bad \\u escape");
        m_pos += 4;
        return value;
    }

    std::string parseString()
    {
        ++m_pos; // opening quote
        std::string out;
        while (true) {
            if (m_pos >= m_text.size())
                fail("unterminated string");
            const char c = m_text[m_pos++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20) {
                --m_pos;
                fail("control character in string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                fail("unterminated string");
            const char escaped = m_text[m_pos++];
            switch (escaped) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned codePoint = readHex4();
                if (codePoint >= 0xD800 && codePoint < 0xDC00 && m_text.substr(m_pos, 2) == "\\u") {
                    m_pos += 2;
                    const unsigned low = readHex4();
                    if (low < 0xDC00 || low >= 0xE000)
                        fail("unpaired surrogate in \\u escape");
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                } else if (codePoint >= 0xD800 && codePoint < 0xE000) {
                    fail("unpaired surrogate in \\u escape");
                }
                appendUtf8(out, static_cast<char32_t>(codePoint));
                break;
            }
            default:
                --m_pos;
                fail(std::string("bad escape '\\") + escaped + "'");
            }
        }
    }

    JsonValue parseNumber()
    {
        const std::size_t start = m_pos;
        auto digits = [&] {
            const std::size_t first = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            if (m_pos == first)
                fail("expected a digit");
        };
        if (m_text[m_pos] == '-')
            ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '0')
            ++m_pos;
        else
            digits();
        bool integral = true;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            integral = false;
            ++m_pos;
            digits();
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            integral = false;
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            digits();
        }
        const char *first = m_text.data() + start;
        const char *last = m_text.data() + m_pos;
        if (integral) {
            std::int64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc())
                return make(JsonValue::Type::Integer, [&](JsonValue &v) { v.integer = value; });
        }
        double value = 0;
        const auto result = std::from_chars(first, last, value);
        if (result.ec != std::errc() || !std::isfinite(value))
            fail("number out of range");
        return make(JsonValue::Type::Number, [&](JsonValue &v) { v.number = value; });
    }

    std::string_view m_text;
    const std::string &m_label;
    std::size_t m_pos = 0;
};

} // namespace

void appendUtf8(std::string &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

JsonValue parseJson(std::string_view text, const std::string &label)
{
    return JsonParser(text, label).parseDocument();
}

} // namespace glassbox
