#include "Operators.h"

#include "Builtins.h"

#include <cmath>

namespace glassbox::chat {

namespace {

[[noreturn]] void unsupported(std::string_view op, const Value &left, const Value &right)
{
    throw EvaluationError("unsupported operand types for " + std::string(op) + ": '" + left.typeName() + "' and '"
                          + right.typeName() + "'");
}

// Takes the result by reference: called as checked(__builtin_add_overflow(a, b, &result), result),
// whose arguments may be evaluated in either order (GCC reads the second first).
std::int64_t checked(bool overflowed, const std::int64_t &result)
{
    if (overflowed)
        throw EvaluationError("integer overflow");
    return result;
}

Value repeat(const Value &sequence, std::int64_t times)
{
    if (times > 0 && (sequence.isString() ? sequence.asString().size() : sequence.list().size()) * static_cast<std::uint64_t>(times) > (1u << 26))
        throw EvaluationError("repetition result too large");
    if (sequence.isString()) {
        std::string out;
        for (std::int64_t i = 0; i < times; ++i)
            out += sequence.asString();
        return Value(out);
    }
    List out;
    for (std::int64_t i = 0; i < times; ++i)
        out.insert(out.end(), sequence.list().begin(), sequence.list().end());
    return out;
}

Value arithmetic(std::string_view op, const Value &left, const Value &right)
{
    const bool integers = !left.isFloat() && !right.isFloat();
    const std::int64_t a = left.asInt();
    const std::int64_t b = right.asInt();
    const double x = left.asFloat();
    const double y = right.asFloat();
    std::int64_t result = 0;
    if (op == "+")
        return integers ? Value(checked(__builtin_add_overflow(a, b, &result), result)) : Value(x + y);
    if (op == "-")
        return integers ? Value(checked(__builtin_sub_overflow(a, b, &result), result)) : Value(x - y);
    if (op == "*")
        return integers ? Value(checked(__builtin_mul_overflow(a, b, &result), result)) : Value(x * y);
    if (integers ? b == 0 : y == 0.0) {
        if (op != "**")
            throw EvaluationError(op == "%" ? "modulo by zero" : "division by zero");
    }
    if (op == "/")
        return Value(x / y);
    if (op == "//") {
        if (!integers)
            return Value(std::floor(x / y));
        if (a == INT64_MIN && b == -1)
            throw EvaluationError("integer overflow");
        const std::int64_t quotient = a / b;
        return Value((a % b != 0 && ((a < 0) != (b < 0))) ? quotient - 1 : quotient);
    }
    if (op == "%") {
        // Python's modulo takes the sign of the divisor.
        if (!integers) {
            const double remainder = std::fmod(x, y);
            return Value(remainder != 0 && ((remainder < 0) != (y < 0)) ? remainder + y : remainder);
        }
        if (b == -1)
            return Value(std::int64_t(0));
        const std::int64_t remainder = a % b;
        return Value(remainder != 0 && ((remainder < 0) != (b < 0)) ? remainder + b : remainder);
    }
    // "**"
    if (integers && b >= 0) {
        std::int64_t power = 1;
        for (std::int64_t i = 0; i < b; ++i) {
            power = checked(__builtin_mul_overflow(power, a, &result), result);
            if (power == 0 || power == 1)
                break;
        }
        return Value(power);
    }
    return Value(std::pow(x, y));
}

} // namespace

Value applyOperator(std::string_view op, const Value &left, const Value &right)
{
    if (op == "==")
        return Value(left == right);
    if (op == "!=")
        return Value(!(left == right));
    if (op == "<")
        return Value(compareValues(left, right) < 0);
    if (op == ">")
        return Value(compareValues(left, right) > 0);
    if (op == "<=")
        return Value(compareValues(left, right) <= 0);
    if (op == ">=")
        return Value(compareValues(left, right) >= 0);
    if (op == "in" || op == "not in") {
        const bool found = !right.isUndefined() && containsValue(right, left);
        return Value(found == (op == "in"));
    }
    if (op == "~")
        return Value(left.str() + right.str());
    if (left.isNumber() && right.isNumber())
        return arithmetic(op, left, right);
    if (op == "+") {
        if (left.isString() && right.isString())
            return Value(left.asString() + right.asString());
        if (left.isList() && right.isList()) {
            List joined = left.list();
            joined.insert(joined.end(), right.list().begin(), right.list().end());
            return joined;
        }
    }
    if (op == "*") {
        if ((left.isString() || left.isList()) && (right.isInt() || right.isBool()))
            return repeat(left, right.asInt());
        if ((right.isString() || right.isList()) && (left.isInt() || left.isBool()))
            return repeat(right, left.asInt());
    }
    unsupported(op, left, right);
}

Value negate(const Value &operand, bool negative)
{
    if (!operand.isNumber())
        throw EvaluationError(std::string("bad operand type for unary ") + (negative ? "-" : "+") + ": '" + operand.typeName() + "'");
    if (!negative)
        return operand.isBool() ? Value(operand.asInt()) : operand;
    if (operand.isFloat())
        return Value(-operand.asFloat());
    if (operand.asInt() == INT64_MIN)
        throw EvaluationError("integer overflow");
    return Value(-operand.asInt());
}

} // namespace glassbox::chat
