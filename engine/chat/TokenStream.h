#pragma once

#include "Lexer.h"

#include <string>
#include <string_view>
#include <vector>

namespace glassbox::chat {

// The parser's cursor over the lexer's tokens, with the checks and error messages the expression
// and statement parsers share.
class TokenStream
{
public:
    explicit TokenStream(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

protected:
    using Kind = Token::Kind;

    const Token &peek(std::size_t ahead = 0) const { return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)]; }
    const Token &next() { return m_tokens[m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos]; }
    bool isOperator(std::string_view op, std::size_t ahead = 0) const;
    bool isName(std::string_view name, std::size_t ahead = 0) const;
    bool skipOperator(std::string_view op);
    bool skipName(std::string_view name);
    void expectOperator(std::string_view op);
    void expect(Kind kind, std::string_view what);
    std::string expectName();

    [[noreturn]] void fail(const Token &token, const std::string &what) const;
    static std::string describe(const Token &token);

    // Counts nesting while alive: templates come from model files, and hostile nesting would
    // exhaust the stack of the recursive parsers.
    class NestingGuard
    {
    public:
        explicit NestingGuard(TokenStream &stream);
        ~NestingGuard() { --m_stream.m_depth; }
        NestingGuard(const NestingGuard &) = delete;
        NestingGuard &operator=(const NestingGuard &) = delete;

    private:
        TokenStream &m_stream;
    };

private:
    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace glassbox::chat
