#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace glassbox::chat {

class Value;

// Call arguments as Jinja passes them: positionals, then name=value keywords.
struct Arguments {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;

    // The argument at `index` or named `name`, or nullptr when absent.
    const Value *find(std::size_t index, std::string_view name) const;
    // A keyword-only argument, or nullptr.
    const Value *keyword(std::string_view name) const;
};

using List = std::vector<Value>;
// Python dicts keep insertion order, and templates print them (tojson), so the order is kept.
using Dict = std::vector<std::pair<std::string, Value>>;
using Function = std::function<Value(const Arguments &)>;

constexpr int kMaxValueDepth = 500;

// A template value with Python's semantics where Jinja inherits them. Lists, dicts and namespaces
// are shared by reference, as in Python, so `ns.x = ...` and `list.append` are seen by every holder.
class Value
{
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Callable };

    Value() = default;
    static Value none();
    Value(bool value);
    Value(std::int64_t value);
    Value(int value) : Value(static_cast<std::int64_t>(value)) {}
    Value(double value);
    Value(std::string value);
    Value(const char *value) : Value(std::string(value)) {}
    Value(List items);
    Value(Dict entries);
    static Value namespaceOf(Dict entries);
    static Value callable(Function function);

    Kind kind() const { return m_kind; }
    bool isUndefined() const { return m_kind == Kind::Undefined; }
    bool isNone() const { return m_kind == Kind::None; }
    bool isBool() const { return m_kind == Kind::Bool; }
    bool isInt() const { return m_kind == Kind::Int; }
    bool isFloat() const { return m_kind == Kind::Float; }
    // Python counts bool as a number (True + 1 == 2), so number tests and arithmetic accept it.
    bool isNumber() const { return isBool() || isInt() || isFloat(); }
    bool isString() const { return m_kind == Kind::String; }
    bool isList() const { return m_kind == Kind::List; }
    bool isDict() const { return m_kind == Kind::Dict; }
    bool isNamespace() const { return m_kind == Kind::Namespace; }
    bool isCallable() const { return m_kind == Kind::Callable; }

    bool asBool() const { return m_bool; }
    std::int64_t asInt() const { return isBool() ? m_bool : isFloat() ? static_cast<std::int64_t>(m_float) : m_int; }
    double asFloat() const { return isFloat() ? m_float : static_cast<double>(asInt()); }
    const std::string &asString() const { return m_string; }
    List &list() const { return *m_list; }
    Dict &dict() const { return *m_dict; } // also a namespace's attributes
    const Function &function() const { return *m_function; }

    // Python truthiness.
    bool truthy() const;
    // Python str(): what {{ value }} prints. Undefined prints nothing.
    std::string str() const;
    // Python repr(), used inside printed lists and dicts.
    std::string repr() const;
    // The name Python gives the type, for error messages.
    std::string typeName() const;

    // Dict lookup; nullptr when absent.
    const Value *get(std::string_view key) const;
    void set(const std::string &key, Value value) const;

    // Python ==, where 1 == 1.0 == True.
    friend bool operator==(const Value &a, const Value &b);

private:
    void measureDepth(); // m_depth from the items; throws when it passes kMaxValueDepth

    Kind m_kind = Kind::Undefined;
    int m_depth = 0; // list and dict nesting, bounded so printing and freeing cannot overflow the stack
    bool m_bool = false;
    std::int64_t m_int = 0;
    double m_float = 0;
    std::string m_string;
    std::shared_ptr<List> m_list;
    std::shared_ptr<Dict> m_dict;
    std::shared_ptr<Function> m_function;
};

// Python's ordering of numbers, strings and lists: negative, zero or positive. Throws
// EvaluationError (Builtins.h) for values Python cannot order.
int compareValues(const Value &a, const Value &b);
// The UTF-8 characters of `text`, one string each: Python indexes and measures strings by
// character, not byte.
std::vector<std::string> characters(std::string_view text);
// What a for loop or a filter iterates: a list's elements, a dict's keys, a string's characters,
// nothing for undefined; empty optional for a value that is not iterable.
std::optional<List> iterationItems(const Value &value);

// Python's repr of a float: shortest round-trip digits, always with a '.' or exponent.
std::string formatFloat(double value);
// Python-style quoting for repr: single quotes unless the text holds one and no double quote.
std::string quoteString(std::string_view text);

} // namespace glassbox::chat
