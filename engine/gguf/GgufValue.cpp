#include "GgufValue.h"

#include <array>
#include <limits>
#include <sstream>

namespace glassbox::gguf {

std::string_view valueTypeName(ValueType type)
{
    static constexpr std::array<std::string_view, 13> kNames = {
        "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"};
    const auto index = static_cast<std::uint32_t>(type);
    return index < kNames.size() ? kNames[index] : std::string_view("unknown");
}

std::optional<std::uint64_t> Value::asUInt() const
{
    if (const auto *u = std::get_if<std::uint64_t>(&data))
        return *u;
    if (const auto *i = std::get_if<std::int64_t>(&data); i && *i >= 0)
        return static_cast<std::uint64_t>(*i);
    return std::nullopt;
}

std::optional<std::int64_t> Value::asInt() const
{
    if (const auto *i = std::get_if<std::int64_t>(&data))
        return *i;
    if (const auto *u = std::get_if<std::uint64_t>(&data); u && *u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(*u);
    return std::nullopt;
}

std::optional<double> Value::asFloat() const
{
    if (const auto *d = std::get_if<double>(&data))
        return *d;
    if (const auto *u = std::get_if<std::uint64_t>(&data))
        return static_cast<double>(*u);
    if (const auto *i = std::get_if<std::int64_t>(&data))
        return static_cast<double>(*i);
    return std::nullopt;
}

std::optional<bool> Value::asBool() const
{
    if (const auto *b = std::get_if<bool>(&data))
        return *b;
    return std::nullopt;
}

const std::string *Value::asString() const
{
    return std::get_if<std::string>(&data);
}

const ValueArray *Value::asArray() const
{
    return std::get_if<ValueArray>(&data);
}

namespace {

void appendQuoted(std::ostringstream &out, const std::string &text, std::size_t maxChars)
{
    out << '"';
    const std::size_t shown = text.size() > maxChars ? maxChars : text.size();
    for (std::size_t i = 0; i < shown; ++i) {
        const char c = text[i];
        if (c == '\n')
            out << "\\n";
        else if (c == '"' || c == '\\')
            out << '\\' << c;
        else
            out << c;
    }
    if (shown < text.size())
        out << "…(" << text.size() << " bytes)";
    out << '"';
}

} // namespace

std::string Value::toDisplayString(std::size_t maxItems) const
{
    std::ostringstream out;
    if (const auto *u = std::get_if<std::uint64_t>(&data))
        out << *u;
    else if (const auto *i = std::get_if<std::int64_t>(&data))
        out << *i;
    else if (const auto *d = std::get_if<double>(&data))
        out << *d;
    else if (const auto *b = std::get_if<bool>(&data))
        out << (*b ? "true" : "false");
    else if (const auto *s = std::get_if<std::string>(&data))
        appendQuoted(out, *s, 120);
    else if (const auto *a = std::get_if<ValueArray>(&data)) {
        out << '[' << valueTypeName(a->elementType) << " × " << a->items.size() << ": ";
        for (std::size_t k = 0; k < a->items.size() && k < maxItems; ++k)
            out << (k ? ", " : "") << a->items[k].toDisplayString(maxItems);
        if (a->items.size() > maxItems)
            out << ", …";
        out << ']';
    }
    return out.str();
}

} // namespace glassbox::gguf
