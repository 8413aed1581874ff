#include "Value.h"

#include "Builtins.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace glassbox::chat {

const Value *Arguments::find(std::size_t index, std::string_view name) const
{
    if (index < positional.size())
        return &positional[index];
    return keyword(name);
}

const Value *Arguments::keyword(std::string_view name) const
{
    for (const auto &[key, value] : keywords) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

Value Value::none()
{
    Value value;
    value.m_kind = Kind::None;
    return value;
}

Value::Value(bool value) : m_kind(Kind::Bool), m_bool(value) {}
Value::Value(std::int64_t value) : m_kind(Kind::Int), m_int(value) {}
Value::Value(double value) : m_kind(Kind::Float), m_float(value) {}
Value::Value(std::string value) : m_kind(Kind::String), m_string(std::move(value)) {}
Value::Value(List items) : m_kind(Kind::List), m_list(std::make_shared<List>(std::move(items)))
{
    measureDepth();
}

Value::Value(Dict entries) : m_kind(Kind::Dict), m_dict(std::make_shared<Dict>(std::move(entries)))
{
    measureDepth();
}

void Value::measureDepth()
{
    int deepest = 0;
    if (m_list) {
        for (const Value &item : *m_list)
            deepest = std::max(deepest, item.m_depth);
    }
    if (m_dict) {
        for (const auto &entry : *m_dict)
            deepest = std::max(deepest, entry.second.m_depth);
    }
    m_depth = deepest + 1;
    if (m_depth > kMaxValueDepth)
        throw EvaluationError("lists and dicts nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
}

Value Value::namespaceOf(Dict entries)
{
    Value value(std::move(entries));
    value.m_kind = Kind::Namespace;
    return value;
}

Value Value::callable(Function function)
{
    Value value;
    value.m_kind = Kind::Callable;
    value.m_function = std::make_shared<Function>(std::move(function));
    return value;
}

bool Value::truthy() const
{
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
        return m_bool;
    case Kind::Int:
        return m_int != 0;
    case Kind::Float:
        return m_float != 0;
    case Kind::String:
        return !m_string.empty();
    case Kind::List:
        return !m_list->empty();
    case Kind::Dict:
        return !m_dict->empty();
    case Kind::Namespace:
    case Kind::Callable:
        return true;
    }
    return false;
}

std::string formatFloat(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    const std::string scientific(buffer, result.ptr);
    const std::size_t e = scientific.find('e');
    std::string digits;
    bool negative = false;
    for (std::size_t i = 0; i < e; ++i) {
        if (scientific[i] == '-')
            negative = true;
        else if (scientific[i] != '.')
            digits += scientific[i];
    }
    const int exponent = std::stoi(scientific.substr(e + 1));
    std::string out = negative ? "-" : "";
    // Python's repr switches to exponent notation outside [1e-4, 1e16).
    if (exponent < -4 || exponent >= 16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        const std::string magnitude = std::to_string(std::abs(exponent));
        out += std::string("e") + (exponent < 0 ? "-" : "+") + (magnitude.size() < 2 ? "0" : "") + magnitude;
        return out;
    }
    if (exponent < 0)
        return out + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    const std::size_t integerDigits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= integerDigits)
        return out + digits + std::string(integerDigits - digits.size(), '0') + ".0";
    return out + digits.substr(0, integerDigits) + "." + digits.substr(integerDigits);
}

std::string quoteString(std::string_view text)
{
    const char quote = text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos ? '"' : '\'';
    std::string out(1, quote);
    for (const char c : text) {
        if (c == quote || c == '\\')
            out += '\\';
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out + quote;
}

std::string Value::str() const
{
    switch (m_kind) {
    case Kind::Undefined:
        return "";
    case Kind::String:
        return m_string;
    case Kind::None:
        return "None";
    case Kind::Bool:
        return m_bool ? "True" : "False";
    case Kind::Int:
        return std::to_string(m_int);
    case Kind::Float:
        return formatFloat(m_float);
    default:
        return repr();
    }
}

std::string Value::repr() const
{
    switch (m_kind) {
    case Kind::String:
        return quoteString(m_string);
    case Kind::List: {
        std::string out = "[";
        for (std::size_t i = 0; i < m_list->size(); ++i)
            out += (i ? ", " : "") + (*m_list)[i].repr();
        return out + "]";
    }
    case Kind::Dict: {
        std::string out = "{";
        for (std::size_t i = 0; i < m_dict->size(); ++i)
            out += (i ? ", " : "") + quoteString((*m_dict)[i].first) + ": " + (*m_dict)[i].second.repr();
        return out + "}";
    }
    case Kind::Namespace:
        return "<Namespace>";
    case Kind::Callable:
        return "<function>";
    default:
        return str();
    }
}

std::string Value::typeName() const
{
    switch (m_kind) {
    case Kind::Undefined:
        return "Undefined";
    case Kind::None:
        return "NoneType";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return "dict";
    case Kind::Namespace:
        return "Namespace";
    case Kind::Callable:
        return "function";
    }
    return "?";
}

const Value *Value::get(std::string_view key) const
{
    if (!m_dict)
        return nullptr;
    for (const auto &[name, value] : *m_dict) {
        if (name == key)
            return &value;
    }
    return nullptr;
}

void Value::set(const std::string &key, Value value) const
{
    for (auto &[name, existing] : *m_dict) {
        if (name == key) {
            existing = std::move(value);
            return;
        }
    }
    m_dict->emplace_back(key, std::move(value));
}

bool operator==(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat())
            return a.asFloat() == b.asFloat();
        return a.asInt() == b.asInt();
    }
    if (a.m_kind != b.m_kind)
        return false;
    switch (a.m_kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return true;
    case Value::Kind::String:
        return a.m_string == b.m_string;
    case Value::Kind::List:
        return *a.m_list == *b.m_list;
    case Value::Kind::Dict: {
        if (a.m_dict->size() != b.m_dict->size())
            return false;
        for (const auto &[key, value] : *a.m_dict) {
            const Value *other = b.get(key);
            if (!other || !(*other == value))
                return false;
        }
        return true;
    }
    default:
        return a.m_dict == b.m_dict && a.m_function == b.m_function;
    }
}

int compareValues(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat())
            return a.asFloat() < b.asFloat() ? -1 : a.asFloat() > b.asFloat() ? 1 : 0;
        return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
    }
    if (a.isString() && b.isString())
        return a.asString().compare(b.asString()) < 0 ? -1 : a.asString() == b.asString() ? 0 : 1;
    if (a.isList() && b.isList()) {
        const List &left = a.list();
        const List &right = b.list();
        for (std::size_t i = 0; i < left.size() && i < right.size(); ++i) {
            if (const int order = compareValues(left[i], right[i]))
                return order;
        }
        return left.size() < right.size() ? -1 : left.size() > right.size() ? 1 : 0;
    }
    throw EvaluationError("cannot order " + a.typeName() + " and " + b.typeName());
}

std::optional<List> iterationItems(const Value &value)
{
    if (value.isList())
        return value.list();
    if (value.isDict()) {
        List keys;
        for (const auto &entry : value.dict())
            keys.emplace_back(entry.first);
        return keys;
    }
    if (value.isString()) {
        List items;
        for (std::string &character : characters(value.asString()))
            items.emplace_back(std::move(character));
        return items;
    }
    if (value.isUndefined())
        return List();
    return std::nullopt;
}

std::vector<std::string> characters(std::string_view text)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;
        while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80)
            ++length;
        out.emplace_back(text.substr(i, length));
        i += length;
    }
    return out;
}

} // namespace glassbox::chat
