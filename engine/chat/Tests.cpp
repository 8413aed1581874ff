#include "Builtins.h"

#include <algorithm>
#include <iterator>
#include <cctype>

namespace glassbox::chat {

namespace {

constexpr std::string_view kTests[] = {
    "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto",
    "even", "false", "float", "ge", "gt", "in", "integer", "iterable", "le", "lower", "lt", "mapping", "ne", "none",
    "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper",
};

Value operand(const Arguments &arguments, std::string_view test)
{
    if (arguments.positional.empty())
        throw EvaluationError("test '" + std::string(test) + "' needs an argument");
    return arguments.positional[0];
}

} // namespace

bool containsValue(const Value &container, const Value &item)
{
    if (container.isString()) {
        if (!item.isString())
            throw EvaluationError("'in <string>' needs a string on the left, got " + item.typeName());
        return container.asString().find(item.asString()) != std::string::npos;
    }
    if (container.isList())
        return std::find(container.list().begin(), container.list().end(), item) != container.list().end();
    if (container.isDict() || container.isNamespace())
        return item.isString() && container.get(item.asString());
    throw EvaluationError("'in' needs a string, list or dict on the right, got " + container.typeName());
}

namespace {

bool hasCase(const std::string &text, bool wantUpper)
{
    bool cased = false;
    for (const char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            cased = true;
            if ((std::isupper(static_cast<unsigned char>(c)) != 0) != wantUpper)
                return false;
        }
    }
    return cased;
}

} // namespace

bool isTest(std::string_view name)
{
    return std::find(std::begin(kTests), std::end(kTests), name) != std::end(kTests);
}

bool applyTest(std::string_view name, const Value &value, const Arguments &arguments)
{
    if (name == "defined")
        return !value.isUndefined();
    if (name == "undefined")
        return value.isUndefined();
    if (name == "none")
        return value.isNone();
    if (name == "boolean")
        return value.isBool();
    if (name == "true" || name == "false")
        return value.isBool() && value.asBool() == (name == "true");
    if (name == "string")
        return value.isString();
    if (name == "number")
        return value.isNumber();
    if (name == "integer")
        return value.isInt();
    if (name == "float")
        return value.isFloat();
    if (name == "mapping")
        return value.isDict();
    if (name == "iterable" || name == "sequence")
        return value.isList() || value.isDict() || value.isString();
    if (name == "callable")
        return value.isCallable();
    if (name == "lower" || name == "upper")
        return value.isString() && hasCase(value.asString(), name == "upper");
    if (name == "odd" || name == "even" || name == "divisibleby") {
        if (!value.isNumber())
            throw EvaluationError("test '" + std::string(name) + "' needs a number, got " + value.typeName());
        const std::int64_t divisor = name == "divisibleby" ? operand(arguments, name).asInt() : 2;
        if (divisor == 0)
            throw EvaluationError("divisibleby 0");
        const bool divisible = value.asInt() % divisor == 0;
        return name == "odd" ? !divisible : divisible;
    }
    if (name == "in")
        return containsValue(operand(arguments, name), value);
    if (name == "sameas") {
        const Value other = operand(arguments, name);
        return value.kind() == other.kind() && value == other;
    }
    const Value other = operand(arguments, name);
    if (name == "==" || name == "eq" || name == "equalto")
        return value == other;
    if (name == "!=" || name == "ne")
        return !(value == other);
    const int order = compareValues(value, other);
    if (name == "<" || name == "lt")
        return order < 0;
    if (name == "<=" || name == "le")
        return order <= 0;
    if (name == ">" || name == "gt")
        return order > 0;
    return order >= 0; // ">=" and "ge", the last in kTests
}

} // namespace glassbox::chat
