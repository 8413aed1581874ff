#pragma once

#include "Value.h"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::chat {

// A failure while evaluating, before the interpreter knows where: it adds the template position
// and turns it into glassbox::Error.
class EvaluationError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The filters, tests, methods and global functions of the supported Jinja subset, with the
// behaviour of Jinja 3 and of the extras Hugging Face installs (tojson, raise_exception,
// strftime_now).
bool isFilter(std::string_view name);
bool isTest(std::string_view name);
Value applyFilter(std::string_view name, const Value &value, const Arguments &arguments);
bool applyTest(std::string_view name, const Value &value, const Arguments &arguments);
// Python's `item in container` for strings, lists and dict keys.
bool containsValue(const Value &container, const Value &item);
// `object.name` as a bound str/dict/list method; Undefined when the type has no such method.
Value boundMethod(const Value &object, std::string_view name);
// range, namespace, dict, raise_exception, strftime_now; Undefined for other names.
Value globalFunction(std::string_view name);

// json.dumps(value, ensure_ascii=False, indent=indent) with Python's default separators, as HF's
// tojson does; indent < 0 means none.
std::string toJson(const Value &value, int indent);

// An argument by position or name, else `fallback`.
Value argument(const Arguments &arguments, std::size_t index, std::string_view name, Value fallback = {});

} // namespace glassbox::chat
