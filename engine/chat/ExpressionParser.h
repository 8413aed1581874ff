#pragma once

#include "Ast.h"
#include "TokenStream.h"

namespace glassbox::chat {

// Parses Jinja expressions with Jinja's precedence: conditional, or, and, not, comparisons,
// + -, ~, * / // %, **, unary - +, then postfix access, calls, filters and tests. An unknown
// filter or test is an error here, before anything renders.
class ExpressionParser : protected TokenStream
{
public:
    using TokenStream::TokenStream;

protected:
    // `a, b` as a tuple (set values), or a single expression.
    ExpressionPtr parseTupleOrExpression();
    ExpressionPtr parseExpression();
    ExpressionPtr parseOr();

private:
    static ExpressionPtr makeExpression(Expression::Kind kind, SourcePosition position, std::string name = {});
    // Adds an operand, tracking the height of the tree: chains like a.b.c... or 1+1+1... nest
    // without recursion in the parser, but evaluating and freeing them recurses.
    void adopt(Expression &parent, ExpressionPtr child);
    void adoptHeight(Expression &parent, const Expression &child);
    ExpressionPtr binary(const Token &op, std::string name, ExpressionPtr left, ExpressionPtr right);
    ExpressionPtr parseAnd();
    ExpressionPtr parseNot();
    // The comparison operator at the cursor, or "" when there is none.
    std::string comparisonAhead() const;
    ExpressionPtr parseCompare();
    ExpressionPtr parseAdditive();
    ExpressionPtr parseConcat();
    ExpressionPtr parseMultiplicative();
    ExpressionPtr parsePower();
    // As in Jinja, `-x|f` filters the negation: filters apply after unary operators.
    ExpressionPtr parseUnary(bool withFilters);
    ExpressionPtr parsePrimary();
    ExpressionPtr parseParenthesized(const Token &open);
    ExpressionPtr parseSequence(const Token &open, Expression::Kind kind, std::string_view close);
    ExpressionPtr parseDict(const Token &open);
    ExpressionPtr parsePostfix(ExpressionPtr expression);
    ExpressionPtr parseSubscript(const Token &open, ExpressionPtr object);
    // After '(': positional and keyword arguments up to ')', into operands[1..] and keywords.
    void parseArguments(Expression &call);
    ExpressionPtr parseFiltersAndTests(ExpressionPtr expression);
    bool startsTestArgument() const;
};

} // namespace glassbox::chat
