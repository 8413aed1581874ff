#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace glassbox::gguf {

// Metadata value types as numbered by the GGUF format.
enum class ValueType : std::uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

std::string_view valueTypeName(ValueType type);

struct Value;

struct ValueArray {
    ValueType elementType = ValueType::UInt8;
    std::vector<Value> items;
};

// One metadata value. Integers keep their sign class (unsigned in uint64, signed in int64) and the
// exact GGUF type stays in `type`, so a value can be written back or shown as the file has it.
struct Value {
    ValueType type = ValueType::UInt8;
    std::variant<std::uint64_t, std::int64_t, double, bool, std::string, ValueArray> data;

    // Any integer that fits (bools are not integers here).
    std::optional<std::uint64_t> asUInt() const;
    std::optional<std::int64_t> asInt() const;
    // Any number, integer or floating point.
    std::optional<double> asFloat() const;
    std::optional<bool> asBool() const;
    const std::string *asString() const;
    const ValueArray *asArray() const;

    // A short human-readable rendering; long arrays and strings are elided.
    std::string toDisplayString(std::size_t maxItems = 8) const;
};

} // namespace glassbox::gguf
