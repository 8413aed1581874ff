#pragma once

#include "Lexer.h"
#include "Value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace glassbox::chat {

struct Expression;
using ExpressionPtr = std::unique_ptr<Expression>;
using Keywords = std::vector<std::pair<std::string, ExpressionPtr>>;

// One node of a parsed expression. Which fields a kind uses:
//   Literal      value
//   Name         name
//   Attribute    operands[0] . name
//   Index        operands[0] [ operands[1] ]
//   Slice        operands[0] [ operands[1] : operands[2] : operands[3] ], absent parts null
//   Call         operands[0] ( operands[1..] , keywords )
//   Filter       operands[0] | name ( operands[1..] , keywords )
//   Test         operands[0] is [not] name ( operands[1..] ); `negated` for `is not`
//   Unary        name operands[0], name being "not", "-" or "+"
//   Binary       operands[0] name operands[1], name being the operator ("and", "in", "not in", "+", ...)
//   Conditional  operands[1] if operands[0] else operands[2] (null when absent)
//   List, Tuple  operands
//   Dict         operands as key, value, key, value ...
struct Expression {
    enum class Kind { Literal, Name, Attribute, Index, Slice, Call, Filter, Test, Unary, Binary, Conditional, List, Tuple, Dict };
    Kind kind = Kind::Literal;
    SourcePosition position;
    Value value;
    std::string name;
    std::vector<ExpressionPtr> operands;
    Keywords keywords;
    bool negated = false;
    int height = 1; // of the tree below, limited by the parser
};

struct Statement;
using Body = std::vector<std::unique_ptr<Statement>>;

// An assignment target: `name`, `a, b` (several names) or `ns.attribute`.
struct Target {
    std::vector<std::string> names;
    std::string attribute; // set: names[0] is a namespace and this its attribute
};

struct Parameter {
    std::string name;
    ExpressionPtr defaultValue; // null when required
};

// One node of the template. Which fields a kind uses:
//   Text      text
//   Output    expression
//   If        conditions[i] guards bodies[i]; bodies may hold one more, the else
//   For       target in expression [if conditions[0]]: bodies[0], else bodies[1] (may be empty)
//   Set       target = expression, or when expression is null target = rendered bodies[0]
//   Macro     text is the name, parameters, bodies[0]
//   Break, Continue
//   Scope     bodies[0] rendered in place ({% generation %} marks assistant text for HF's
//             training masks and does not change the output)
struct Statement {
    enum class Kind { Text, Output, If, For, Set, Macro, Break, Continue, Scope };
    Kind kind = Kind::Text;
    SourcePosition position;
    std::string text;
    ExpressionPtr expression;
    std::vector<ExpressionPtr> conditions;
    std::vector<Body> bodies;
    Target target;
    std::vector<Parameter> parameters;
};

} // namespace glassbox::chat
