#include "Lexer.h"

#include "util/Error.h"
#include "util/JsonReader.h"

#include <algorithm>
#include <array>

namespace glassbox::chat {

std::string describeAt(SourcePosition position, const std::string &what)
{
    return "chat template line " + std::to_string(position.line) + ", column " + std::to_string(position.column) + ": " + what;
}

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

class Lexer
{
public:
    explicit Lexer(std::string_view source) : m_source(source)
    {
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < source.size(); ++i) {
            if (source[i] == '\n')
                m_lineStarts.push_back(i + 1);
        }
    }

    std::vector<Token> run()
    {
        while (m_pos < m_source.size()) {
            const std::size_t tag = findTag(m_pos);
            std::string_view text = m_source.substr(m_pos, tag - m_pos);
            if (m_stripNextText)
                text = stripLeading(text);
            m_stripNextText = false;
            if (tag == m_source.size()) {
                emitText(text, m_pos);
                break;
            }
            const char opener = m_source[tag + 1];
            const char modifier = tag + 2 < m_source.size() ? m_source[tag + 2] : '\0';
            if (modifier == '-')
                text = stripTrailing(text);
            else if (opener != '{' && modifier != '+')
                text = lstripBlock(text, tag);
            emitText(text, m_pos);
            m_pos = tag + 2 + (modifier == '-' || modifier == '+' ? 1 : 0);
            if (opener == '#')
                skipComment(tag);
            else
                lexTag(opener == '{', tag);
        }
        m_tokens.push_back({Token::Kind::End, {}, positionOf(m_source.size())});
        return std::move(m_tokens);
    }

private:
    SourcePosition positionOf(std::size_t offset) const
    {
        const auto next = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
        const std::size_t lineStart = *(next - 1);
        return {static_cast<int>(next - m_lineStarts.begin()), static_cast<int>(offset - lineStart) + 1};
    }

    [[noreturn]] void fail(std::size_t offset, const std::string &what) const
    {
        throw Error(describeAt(positionOf(offset), what));
    }

    std::size_t findTag(std::size_t from) const
    {
        for (std::size_t i = from; i + 1 < m_source.size(); ++i) {
            if (m_source[i] == '{' && (m_source[i + 1] == '{' || m_source[i + 1] == '%' || m_source[i + 1] == '#'))
                return i;
        }
        return m_source.size();
    }

    static std::string_view stripLeading(std::string_view text)
    {
        std::size_t i = 0;
        while (i < text.size() && isSpace(text[i]))
            ++i;
        return text.substr(i);
    }

    static std::string_view stripTrailing(std::string_view text)
    {
        std::size_t end = text.size();
        while (end > 0 && isSpace(text[end - 1]))
            --end;
        return text.substr(0, end);
    }

    // lstrip_blocks: only blanks between the start of the line and the tag go.
    std::string_view lstripBlock(std::string_view text, std::size_t tag) const
    {
        std::size_t start = tag;
        while (start > 0 && (m_source[start - 1] == ' ' || m_source[start - 1] == '\t'))
            --start;
        if (start > 0 && m_source[start - 1] != '\n')
            return text;
        const std::size_t blanks = tag - start;
        return text.substr(0, text.size() - std::min(blanks, text.size()));
    }

    void emitText(std::string_view text, std::size_t offset)
    {
        if (!text.empty())
            m_tokens.push_back({Token::Kind::Text, std::string(text), positionOf(offset)});
    }

    // After a block or comment tag: `-` strips all following whitespace, `+` keeps it, and
    // otherwise trim_blocks drops one newline.
    void finishBlockTag(char modifier)
    {
        if (modifier == '-')
            m_stripNextText = true;
        else if (modifier != '+' && m_pos < m_source.size() && m_source[m_pos] == '\n')
            ++m_pos;
    }

    void skipComment(std::size_t tag)
    {
        const std::size_t end = m_source.find("#}", m_pos);
        if (end == std::string_view::npos)
            fail(tag, "unterminated comment");
        const char modifier = end > m_pos && (m_source[end - 1] == '-' || m_source[end - 1] == '+') ? m_source[end - 1] : '\0';
        m_pos = end + 2;
        finishBlockTag(modifier);
    }

    void lexTag(bool output, std::size_t tag)
    {
        m_tokens.push_back({output ? Token::Kind::OutputBegin : Token::Kind::BlockBegin, {}, positionOf(tag)});
        const char closer = output ? '}' : '%';
        while (true) {
            while (m_pos < m_source.size() && isSpace(m_source[m_pos]))
                ++m_pos;
            if (m_pos >= m_source.size())
                fail(tag, std::string("unterminated tag, expected '") + closer + "}'");
            const std::size_t start = m_pos;
            const char c = m_source[m_pos];
            char modifier = '\0';
            if ((c == '-' || c == '+') && m_source.substr(m_pos + 1, 2) == std::string{closer, '}'}) {
                modifier = c;
                ++m_pos;
            }
            if (m_source.substr(m_pos, 2) == std::string{closer, '}'}) {
                m_pos += 2;
                m_tokens.push_back({output ? Token::Kind::OutputEnd : Token::Kind::BlockEnd, {}, positionOf(start)});
                if (output) {
                    if (modifier == '-')
                        m_stripNextText = true;
                } else {
                    finishBlockTag(modifier);
                }
                return;
            }
            lexExpressionToken();
        }
    }

    void lexExpressionToken()
    {
        const std::size_t start = m_pos;
        const char c = m_source[m_pos];
        if (isNameStart(c)) {
            while (m_pos < m_source.size() && (isNameStart(m_source[m_pos]) || isDigit(m_source[m_pos])))
                ++m_pos;
            push(Token::Kind::Name, std::string(m_source.substr(start, m_pos - start)), start);
        } else if (isDigit(c)) {
            lexNumber();
        } else if (c == '\'' || c == '"') {
            lexString();
        } else {
            static constexpr std::array<std::string_view, 6> twoChar = {"//", "**", "==", "!=", "<=", ">="};
            for (const std::string_view op : twoChar) {
                if (m_source.substr(m_pos, 2) == op) {
                    m_pos += 2;
                    push(Token::Kind::Operator, std::string(op), start);
                    return;
                }
            }
            if (std::string_view("+-*/%~<>=.,:|()[]{}").find(c) == std::string_view::npos)
                fail(start, std::string("unexpected character '") + c + "'");
            ++m_pos;
            push(Token::Kind::Operator, std::string(1, c), start);
        }
    }

    void lexNumber()
    {
        const std::size_t start = m_pos;
        auto digits = [&] {
            while (m_pos < m_source.size() && (isDigit(m_source[m_pos]) || m_source[m_pos] == '_'))
                ++m_pos;
        };
        digits();
        bool isFloat = false;
        if (m_pos + 1 < m_source.size() && m_source[m_pos] == '.' && isDigit(m_source[m_pos + 1])) {
            isFloat = true;
            ++m_pos;
            digits();
        }
        if (m_pos < m_source.size() && (m_source[m_pos] == 'e' || m_source[m_pos] == 'E')) {
            std::size_t after = m_pos + 1;
            if (after < m_source.size() && (m_source[after] == '+' || m_source[after] == '-'))
                ++after;
            if (after < m_source.size() && isDigit(m_source[after])) {
                isFloat = true;
                m_pos = after;
                digits();
            }
        }
        std::string text(m_source.substr(start, m_pos - start));
        std::erase(text, '_');
        push(isFloat ? Token::Kind::Float : Token::Kind::Integer, std::move(text), start);
    }

    void lexString()
    {
        const std::size_t start = m_pos;
        const char quote = m_source[m_pos++];
        std::string value;
        while (true) {
            if (m_pos >= m_source.size())
                fail(start, "unterminated string literal");
            const char c = m_source[m_pos++];
            if (c == quote)
                break;
            if (c != '\\') {
                value += c;
                continue;
            }
            if (m_pos >= m_source.size())
                fail(start, "unterminated string literal");
            const char escaped = m_source[m_pos++];
            switch (escaped) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case 'b': value += '\b'; break;
            case 'f': value += '\f'; break;
            case '0': value += '\0'; break;
            case '\\': case '\'': case '"': value += escaped; break;
            case '\n': break;
            case 'x': case 'u': case 'U': {
                const std::size_t width = escaped == 'x' ? 2 : escaped == 'u' ? 4 : 8;
                const std::string_view hex = m_source.substr(m_pos, width);
                if (hex.size() != width || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
                    fail(m_pos - 2, std::string("bad \\") + escaped + " escape in string literal");
                const unsigned long codePoint = std::stoul(std::string(hex), nullptr, 16);
                if (codePoint > 0x10FFFF)
                    fail(m_pos - 2, "\\U escape beyond U+10FFFF in string literal");
                appendUtf8(value, static_cast<char32_t>(codePoint));
                m_pos += width;
                break;
            }
            default: // Python keeps unknown escapes as written
                value += '\\';
                value += escaped;
            }
        }
        push(Token::Kind::String, std::move(value), start);
    }

    void push(Token::Kind kind, std::string text, std::size_t offset)
    {
        m_tokens.push_back({kind, std::move(text), positionOf(offset)});
    }

    std::string_view m_source;
    std::vector<std::size_t> m_lineStarts;
    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    bool m_stripNextText = false;
};

} // namespace

std::vector<Token> tokenize(std::string_view source)
{
    // Jinja drops one trailing newline of the template (keep_trailing_newline=False).
    if (source.ends_with("\r\n"))
        source.remove_suffix(2);
    else if (source.ends_with('\n') || source.ends_with('\r'))
        source.remove_suffix(1);
    return Lexer(source).run();
}

} // namespace glassbox::chat
