#include "ExpressionParser.h"

#include "Builtins.h"

#include <algorithm>

namespace glassbox::chat {

namespace {

// Chains like a.b.c... or 1+1+1... build deep trees without deep parser recursion, but
// evaluating and freeing them recurses.
constexpr int kMaxExpressionHeight = 500;

} // namespace

ExpressionPtr ExpressionParser::makeExpression(Expression::Kind kind, SourcePosition position, std::string name)
{
    auto expression = std::make_unique<Expression>();
    expression->kind = kind;
    expression->position = position;
    expression->name = std::move(name);
    return expression;
}

// Adds an operand, tracking the height of the tree: chains like a.b.c... or 1+1+1... nest
// without recursion in the parser, but evaluating and freeing them recurses.
void ExpressionParser::adopt(Expression &parent, ExpressionPtr child)
{
    if (child)
        adoptHeight(parent, *child);
    parent.operands.push_back(std::move(child));
}

void ExpressionParser::adoptHeight(Expression &parent, const Expression &child)
{
    parent.height = std::max(parent.height, child.height + 1);
    if (parent.height > kMaxExpressionHeight)
        fail(peek(), "expression nested deeper than " + std::to_string(kMaxExpressionHeight) + " levels");
}

ExpressionPtr ExpressionParser::binary(const Token &op, std::string name, ExpressionPtr left, ExpressionPtr right)
{
    auto expression = makeExpression(Expression::Kind::Binary, op.position, std::move(name));
    adopt(*expression, std::move(left));
    adopt(*expression, std::move(right));
    return expression;
}

// `a, b` as a tuple (set values), or a single expression.
ExpressionPtr ExpressionParser::parseTupleOrExpression()
{
    ExpressionPtr first = parseExpression();
    if (!isOperator(","))
        return first;
    auto tuple = makeExpression(Expression::Kind::Tuple, first->position);
    adopt(*tuple, std::move(first));
    while (skipOperator(","))
        adopt(*tuple, parseExpression());
    return tuple;
}

ExpressionPtr ExpressionParser::parseExpression()
{
    const NestingGuard guard(*this);
    ExpressionPtr value = parseOr();
    while (isName("if")) {
        auto conditional = makeExpression(Expression::Kind::Conditional, next().position);
        adopt(*conditional, parseOr());
        adopt(*conditional, std::move(value));
        adopt(*conditional, skipName("else") ? parseExpression() : nullptr);
        value = std::move(conditional);
    }
    return value;
}

ExpressionPtr ExpressionParser::parseOr()
{
    ExpressionPtr left = parseAnd();
    while (isName("or")) {
        const Token &op = next();
        left = binary(op, "or", std::move(left), parseAnd());
    }
    return left;
}

ExpressionPtr ExpressionParser::parseAnd()
{
    ExpressionPtr left = parseNot();
    while (isName("and")) {
        const Token &op = next();
        left = binary(op, "and", std::move(left), parseNot());
    }
    return left;
}

ExpressionPtr ExpressionParser::parseNot()
{
    const NestingGuard guard(*this);
    if (!isName("not"))
        return parseCompare();
    auto expression = makeExpression(Expression::Kind::Unary, next().position, "not");
    adopt(*expression, parseNot());
    return expression;
}

// The comparison operator at the cursor, or "" when there is none.
std::string ExpressionParser::comparisonAhead() const
{
    for (const char *op : {"==", "!=", "<", ">", "<=", ">="}) {
        if (isOperator(op))
            return op;
    }
    if (isName("in"))
        return "in";
    if (isName("not") && isName("in", 1))
        return "not in";
    return {};
}

ExpressionPtr ExpressionParser::parseCompare()
{
    ExpressionPtr left = parseAdditive();
    const std::string op = comparisonAhead();
    if (op.empty())
        return left;
    const Token &opToken = next();
    if (op == "not in")
        next();
    left = binary(opToken, op, std::move(left), parseAdditive());
    if (!comparisonAhead().empty())
        fail(peek(), "unsupported chained comparison");
    return left;
}

ExpressionPtr ExpressionParser::parseAdditive()
{
    ExpressionPtr left = parseConcat();
    while (isOperator("+") || isOperator("-")) {
        const Token &op = next();
        left = binary(op, op.text, std::move(left), parseConcat());
    }
    return left;
}

ExpressionPtr ExpressionParser::parseConcat()
{
    ExpressionPtr left = parseMultiplicative();
    while (isOperator("~")) {
        const Token &op = next();
        left = binary(op, "~", std::move(left), parseMultiplicative());
    }
    return left;
}

ExpressionPtr ExpressionParser::parseMultiplicative()
{
    ExpressionPtr left = parsePower();
    while (isOperator("*") || isOperator("/") || isOperator("//") || isOperator("%")) {
        const Token &op = next();
        left = binary(op, op.text, std::move(left), parsePower());
    }
    return left;
}

ExpressionPtr ExpressionParser::parsePower()
{
    ExpressionPtr left = parseUnary(true);
    while (isOperator("**")) {
        const Token &op = next();
        left = binary(op, "**", std::move(left), parseUnary(true));
    }
    return left;
}

// As in Jinja, `-x|f` filters the negation: filters apply after unary operators.
ExpressionPtr ExpressionParser::parseUnary(bool withFilters)
{
    const NestingGuard guard(*this);
    ExpressionPtr expression;
    if (isOperator("-") || isOperator("+")) {
        const Token &op = next();
        expression = makeExpression(Expression::Kind::Unary, op.position, op.text);
        adopt(*expression, parseUnary(false));
    } else {
        expression = parsePrimary();
    }
    expression = parsePostfix(std::move(expression));
    return withFilters ? parseFiltersAndTests(std::move(expression)) : std::move(expression);
}

ExpressionPtr ExpressionParser::parsePrimary()
{
    const Token &token = next();
    switch (token.kind) {
    case Kind::Name: {
        auto expression = makeExpression(Expression::Kind::Literal, token.position);
        if (token.text == "true" || token.text == "True")
            expression->value = Value(true);
        else if (token.text == "false" || token.text == "False")
            expression->value = Value(false);
        else if (token.text == "none" || token.text == "None")
            expression->value = Value::none();
        else
            return makeExpression(Expression::Kind::Name, token.position, token.text);
        return expression;
    }
    case Kind::String: {
        std::string text = token.text;
        while (peek().kind == Kind::String) // adjacent literals concatenate, as in Python
            text += next().text;
        auto expression = makeExpression(Expression::Kind::Literal, token.position);
        expression->value = Value(std::move(text));
        return expression;
    }
    case Kind::Integer:
    case Kind::Float: {
        auto expression = makeExpression(Expression::Kind::Literal, token.position);
        try {
            expression->value = token.kind == Kind::Integer ? Value(static_cast<std::int64_t>(std::stoll(token.text)))
                                                            : Value(std::stod(token.text));
        } catch (const std::exception &) {
            fail(token, "number out of range: " + token.text);
        }
        return expression;
    }
    case Kind::Operator:
        if (token.text == "(")
            return parseParenthesized(token);
        if (token.text == "[")
            return parseSequence(token, Expression::Kind::List, "]");
        if (token.text == "{")
            return parseDict(token);
        break;
    default:
        break;
    }
    fail(token, "unexpected " + describe(token) + " in expression");
}

ExpressionPtr ExpressionParser::parseParenthesized(const Token &open)
{
    if (skipOperator(")"))
        return makeExpression(Expression::Kind::Tuple, open.position);
    ExpressionPtr first = parseExpression();
    if (skipOperator(")"))
        return first;
    auto tuple = makeExpression(Expression::Kind::Tuple, open.position);
    adopt(*tuple, std::move(first));
    while (skipOperator(",")) {
        if (isOperator(")"))
            break;
        adopt(*tuple, parseExpression());
    }
    expectOperator(")");
    return tuple;
}

ExpressionPtr ExpressionParser::parseSequence(const Token &open, Expression::Kind kind, std::string_view close)
{
    auto expression = makeExpression(kind, open.position);
    while (!skipOperator(close)) {
        if (!expression->operands.empty()) {
            expectOperator(",");
            if (skipOperator(close))
                break;
        }
        adopt(*expression, parseExpression());
    }
    return expression;
}

ExpressionPtr ExpressionParser::parseDict(const Token &open)
{
    auto expression = makeExpression(Expression::Kind::Dict, open.position);
    while (!skipOperator("}")) {
        if (!expression->operands.empty()) {
            expectOperator(",");
            if (skipOperator("}"))
                break;
        }
        adopt(*expression, parseExpression());
        expectOperator(":");
        adopt(*expression, parseExpression());
    }
    return expression;
}

ExpressionPtr ExpressionParser::parsePostfix(ExpressionPtr expression)
{
    while (true) {
        if (isOperator(".")) {
            next();
            const Token &name = next();
            if (name.kind == Kind::Integer) {
                auto index = makeExpression(Expression::Kind::Index, name.position);
                auto literal = makeExpression(Expression::Kind::Literal, name.position);
                literal->value = Value(static_cast<std::int64_t>(std::stoll(name.text)));
                adopt(*index, std::move(expression));
                adopt(*index, std::move(literal));
                expression = std::move(index);
                continue;
            }
            if (name.kind != Kind::Name)
                fail(name, "expected an attribute name after '.', found " + describe(name));
            auto attribute = makeExpression(Expression::Kind::Attribute, name.position, name.text);
            adopt(*attribute, std::move(expression));
            expression = std::move(attribute);
        } else if (isOperator("[")) {
            expression = parseSubscript(next(), std::move(expression));
        } else if (isOperator("(")) {
            const SourcePosition position = expression->position;
            next();
            auto call = makeExpression(Expression::Kind::Call, position);
            adopt(*call, std::move(expression));
            parseArguments(*call);
            expression = std::move(call);
        } else {
            return expression;
        }
    }
}

ExpressionPtr ExpressionParser::parseSubscript(const Token &open, ExpressionPtr object)
{
    ExpressionPtr parts[3];
    int part = 0;
    bool isSlice = false;
    while (!skipOperator("]")) {
        if (skipOperator(":")) {
            isSlice = true;
            if (++part > 2)
                fail(open, "too many ':' in slice");
            continue;
        }
        if (parts[part])
            fail(peek(), "expected ']' or ':', found " + describe(peek()));
        parts[part] = parseExpression();
    }
    if (!isSlice) {
        if (!parts[0])
            fail(open, "empty subscript");
        auto index = makeExpression(Expression::Kind::Index, open.position);
        adopt(*index, std::move(object));
        adopt(*index, std::move(parts[0]));
        return index;
    }
    auto slice = makeExpression(Expression::Kind::Slice, open.position);
    adopt(*slice, std::move(object));
    for (ExpressionPtr &bound : parts)
        adopt(*slice, std::move(bound));
    return slice;
}

// After '(': positional and keyword arguments up to ')', into operands[1..] and keywords.
void ExpressionParser::parseArguments(Expression &call)
{
    bool first = true;
    while (!skipOperator(")")) {
        if (!first) {
            expectOperator(",");
            if (skipOperator(")"))
                break;
        }
        first = false;
        if (isOperator("*") || isOperator("**"))
            fail(peek(), "unsupported argument unpacking '" + peek().text + "'");
        if (peek().kind == Kind::Name && isOperator("=", 1)) {
            std::string name = next().text;
            next();
            ExpressionPtr value = parseExpression();
            adoptHeight(call, *value);
            call.keywords.emplace_back(std::move(name), std::move(value));
        } else {
            if (!call.keywords.empty())
                fail(peek(), "positional argument after keyword argument");
            adopt(call, parseExpression());
        }
    }
}

ExpressionPtr ExpressionParser::parseFiltersAndTests(ExpressionPtr expression)
{
    while (true) {
        if (isOperator("|")) {
            next();
            const Token &name = peek();
            const std::string filter = expectName();
            if (!isFilter(filter))
                fail(name, "unsupported filter '" + filter + "'");
            auto call = makeExpression(Expression::Kind::Filter, name.position, filter);
            adopt(*call, std::move(expression));
            if (skipOperator("("))
                parseArguments(*call);
            expression = std::move(call);
        } else if (isName("is")) {
            next();
            const bool negated = skipName("not");
            const Token &name = peek();
            const std::string test = expectName();
            if (!isTest(test))
                fail(name, "unsupported test '" + test + "'");
            auto call = makeExpression(Expression::Kind::Test, name.position, test);
            call->negated = negated;
            adopt(*call, std::move(expression));
            if (skipOperator("(")) {
                parseArguments(*call);
            } else if (startsTestArgument()) {
                // `x is divisibleby 3`: a test takes one argument without parentheses.
                adopt(*call, parsePostfix(parsePrimary()));
            }
            expression = std::move(call);
        } else {
            return expression;
        }
    }
}

bool ExpressionParser::startsTestArgument() const
{
    const Token &token = peek();
    if (token.kind == Kind::Name)
        return token.text != "else" && token.text != "or" && token.text != "and" && token.text != "if" && token.text != "is";
    return token.kind == Kind::String || token.kind == Kind::Integer || token.kind == Kind::Float || isOperator("[")
        || isOperator("{");
}

} // namespace glassbox::chat
