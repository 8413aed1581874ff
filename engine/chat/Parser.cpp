#include "Parser.h"

#include "ExpressionParser.h"

#include <algorithm>
#include <initializer_list>

namespace glassbox::chat {

namespace {

// Statements ({% if %}, {% for %}, ...) and the text and output between them.
class StatementParser : public ExpressionParser
{
public:
    using ExpressionParser::ExpressionParser;

    Body parseAll() { return parseBody({}); }

private:
    Body parseBody(std::initializer_list<std::string_view> terminators)
    {
        Body body;
        while (true) {
            const Token &token = peek();
            if (token.kind == Kind::End) {
                if (terminators.size() != 0)
                    fail(token, "unexpected end of template, expected '{% " + std::string(*(terminators.end() - 1)) + " %}'");
                return body;
            }
            if (token.kind == Kind::Text) {
                auto statement = makeStatement(Statement::Kind::Text, token);
                statement->text = next().text;
                body.push_back(std::move(statement));
            } else if (token.kind == Kind::OutputBegin) {
                auto statement = makeStatement(Statement::Kind::Output, token);
                next();
                statement->expression = parseExpression();
                expect(Kind::OutputEnd, "'}}'");
                body.push_back(std::move(statement));
            } else if (token.kind == Kind::BlockBegin) {
                const Token &keyword = peek(1);
                if (keyword.kind == Kind::Name
                    && std::find(terminators.begin(), terminators.end(), keyword.text) != terminators.end())
                    return body;
                body.push_back(parseStatement());
            } else {
                fail(token, "unexpected " + describe(token));
            }
        }
    }

    static std::unique_ptr<Statement> makeStatement(Statement::Kind kind, const Token &at)
    {
        auto statement = std::make_unique<Statement>();
        statement->kind = kind;
        statement->position = at.position;
        return statement;
    }

    // Consumes `{% word` (the caller knows word is next) and returns word's token.
    const Token &openTag()
    {
        next();
        return next();
    }

    void closeTag() { expect(Kind::BlockEnd, "'%}'"); }

    // Consumes `{% endword %}`; parseBody stopped on it, so the word is known.
    void endTag()
    {
        openTag();
        closeTag();
    }

    std::unique_ptr<Statement> parseStatement()
    {
        const NestingGuard guard(*this);
        if (peek(1).kind != Kind::Name)
            fail(peek(1), "expected a tag name after '{%', found " + describe(peek(1)));
        const std::string word = peek(1).text;
        if (word == "if")
            return parseIf();
        if (word == "for")
            return parseFor();
        if (word == "set")
            return parseSet();
        if (word == "macro")
            return parseMacro();
        if (word == "break" || word == "continue") {
            auto statement = makeStatement(word == "break" ? Statement::Kind::Break : Statement::Kind::Continue, openTag());
            closeTag();
            return statement;
        }
        if (word == "generation") {
            auto statement = makeStatement(Statement::Kind::Scope, openTag());
            closeTag();
            statement->bodies.push_back(parseBody({"endgeneration"}));
            endTag();
            return statement;
        }
        fail(peek(1), "unsupported tag '" + word + "'");
    }

    std::unique_ptr<Statement> parseIf()
    {
        auto statement = makeStatement(Statement::Kind::If, openTag());
        while (true) {
            statement->conditions.push_back(parseExpression());
            closeTag();
            statement->bodies.push_back(parseBody({"elif", "else", "endif"}));
            const std::string word = openTag().text;
            if (word == "elif")
                continue;
            if (word == "else") {
                closeTag();
                statement->bodies.push_back(parseBody({"endif"}));
                openTag();
            }
            closeTag();
            return statement;
        }
    }

    Target parseTarget(bool allowAttribute)
    {
        Target target;
        target.names.push_back(expectName());
        if (allowAttribute && skipOperator(".")) {
            target.attribute = expectName();
            return target;
        }
        while (skipOperator(","))
            target.names.push_back(expectName());
        return target;
    }

    std::unique_ptr<Statement> parseFor()
    {
        auto statement = makeStatement(Statement::Kind::For, openTag());
        statement->target = parseTarget(false);
        if (!skipName("in"))
            fail(peek(), "expected 'in' in for loop, found " + describe(peek()));
        // The iterable cannot be a conditional expression: a trailing `if` filters the loop.
        statement->expression = parseOr();
        if (skipName("if"))
            statement->conditions.push_back(parseOr());
        if (isName("recursive"))
            fail(peek(), "unsupported recursive for loop");
        closeTag();
        statement->bodies.push_back(parseBody({"else", "endfor"}));
        if (openTag().text == "else") {
            closeTag();
            statement->bodies.push_back(parseBody({"endfor"}));
            openTag();
        }
        closeTag();
        return statement;
    }

    std::unique_ptr<Statement> parseSet()
    {
        auto statement = makeStatement(Statement::Kind::Set, openTag());
        statement->target = parseTarget(true);
        if (skipOperator("=")) {
            statement->expression = parseTupleOrExpression();
            closeTag();
            return statement;
        }
        if (statement->target.names.size() != 1 || !statement->target.attribute.empty())
            fail(peek(), "a block set assigns a single name");
        closeTag();
        statement->bodies.push_back(parseBody({"endset"}));
        endTag();
        return statement;
    }

    std::unique_ptr<Statement> parseMacro()
    {
        auto statement = makeStatement(Statement::Kind::Macro, openTag());
        statement->text = expectName();
        expectOperator("(");
        while (!skipOperator(")")) {
            if (!statement->parameters.empty())
                expectOperator(",");
            if (skipOperator(")"))
                break;
            Parameter parameter;
            parameter.name = expectName();
            if (skipOperator("="))
                parameter.defaultValue = parseExpression();
            statement->parameters.push_back(std::move(parameter));
        }
        closeTag();
        statement->bodies.push_back(parseBody({"endmacro"}));
        endTag();
        return statement;
    }
};

} // namespace

Body parseTemplate(std::string_view source)
{
    return StatementParser(tokenize(source)).parseAll();
}

} // namespace glassbox::chat
