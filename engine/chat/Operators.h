#pragma once

#include "Value.h"

#include <string_view>

namespace glassbox::chat {

// Python's binary operators on template values (+ - * / // % ** ~ == != < > <= >= in, not in);
// `and`/`or` short-circuit in the interpreter. Type mismatches and integer overflow (Python would
// grow the integer) throw EvaluationError.
Value applyOperator(std::string_view op, const Value &left, const Value &right);
// Unary minus (`negative`) or plus.
Value negate(const Value &operand, bool negative);

} // namespace glassbox::chat
