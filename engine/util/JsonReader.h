#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox {

// A parsed JSON document. Objects keep their members in file order (and duplicates, as written).
struct JsonValue {
    enum class Type { Null, Bool, Integer, Number, String, Array, Object };
    using Array = std::vector<JsonValue>;

    Type type = Type::Null;
    bool boolean = false;
    std::int64_t integer = 0; // integers that fit stay exact
    double number = 0;        // every other number
    std::string string;
    Array items;                   // an array's elements, or an object's member values
    std::vector<std::string> keys; // an object's member names, parallel to `items`

    const std::string *asString() const { return type == Type::String ? &string : nullptr; }
    const Array *asArray() const { return type == Type::Array ? &items : nullptr; }
    // The first member named `key` of an object; nullptr when absent or not an object.
    const JsonValue *member(std::string_view key) const;
};

// Appends the UTF-8 encoding of `codePoint`; the chat template lexer shares it for \u escapes.
void appendUtf8(std::string &out, char32_t codePoint);

// Parses RFC 8259 JSON (UTF-8; \u escapes including surrogate pairs). Malformed input throws
// glassbox::Error "<label>: line L, column C: <what was expected>". Nesting is limited to 512
// levels so hostile input cannot exhaust the stack.
JsonValue parseJson(std::string_view text, const std::string &label = "<json>");

} // namespace glassbox
