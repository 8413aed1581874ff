#include "TokenStream.h"

#include "util/Error.h"

namespace glassbox::chat {

namespace {

constexpr int kMaxNesting = 200;

} // namespace

bool TokenStream::isOperator(std::string_view op, std::size_t ahead) const
{
    return peek(ahead).kind == Kind::Operator && peek(ahead).text == op;
}

bool TokenStream::isName(std::string_view name, std::size_t ahead) const
{
    return peek(ahead).kind == Kind::Name && peek(ahead).text == name;
}

bool TokenStream::skipOperator(std::string_view op)
{
    if (!isOperator(op))
        return false;
    ++m_pos;
    return true;
}

bool TokenStream::skipName(std::string_view name)
{
    if (!isName(name))
        return false;
    ++m_pos;
    return true;
}

void TokenStream::expectOperator(std::string_view op)
{
    if (!skipOperator(op))
        fail(peek(), "expected '" + std::string(op) + "', found " + describe(peek()));
}

void TokenStream::expect(Kind kind, std::string_view what)
{
    if (peek().kind != kind)
        fail(peek(), "expected " + std::string(what) + ", found " + describe(peek()));
    next();
}

std::string TokenStream::expectName()
{
    if (peek().kind != Kind::Name)
        fail(peek(), "expected a name, found " + describe(peek()));
    return next().text;
}

void TokenStream::fail(const Token &token, const std::string &what) const
{
    throw Error(describeAt(token.position, what));
}

std::string TokenStream::describe(const Token &token)
{
    switch (token.kind) {
    case Kind::Text: return "text";
    case Kind::OutputBegin: return "'{{'";
    case Kind::OutputEnd: return "'}}'";
    case Kind::BlockBegin: return "'{%'";
    case Kind::BlockEnd: return "'%}'";
    case Kind::End: return "end of template";
    case Kind::String: return "string";
    default: return "'" + token.text + "'";
    }
}

TokenStream::NestingGuard::NestingGuard(TokenStream &stream) : m_stream(stream)
{
    if (++m_stream.m_depth > kMaxNesting)
        m_stream.fail(m_stream.peek(), "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
}

} // namespace glassbox::chat
