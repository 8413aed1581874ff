#pragma once

#include "gguf/GgufValue.h"
#include "gguf/TensorType.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <type_traits>
#include <vector>

namespace glassbox::gguf::test {

// Writes GGUF bytes piece by piece, so a test can build exactly the (possibly broken) file it needs
// in a few readable lines. Nothing is validated: the point is to be able to write anything.
class GgufBuilder
{
public:
    // Magic, version, tensor count and metadata count.
    GgufBuilder &header(std::uint32_t version, std::uint64_t tensorCount, std::uint64_t kvCount)
    {
        raw("GGUF");
        return put(version).put(tensorCount).put(kvCount);
    }

    // Any little-endian integer or float, written with exactly its own width.
    template<typename T>
    GgufBuilder &put(T value)
    {
        static_assert(std::is_arithmetic_v<T>);
        if constexpr (std::is_same_v<T, float>)
            return put(std::bit_cast<std::uint32_t>(value));
        else if constexpr (std::is_same_v<T, double>)
            return put(std::bit_cast<std::uint64_t>(value));
        else {
            const auto bits = static_cast<std::make_unsigned_t<T>>(value);
            for (std::size_t i = 0; i < sizeof(T); ++i)
                m_bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
            return *this;
        }
    }

    GgufBuilder &raw(std::string_view bytes)
    {
        m_bytes.insert(m_bytes.end(), bytes.begin(), bytes.end());
        return *this;
    }

    GgufBuilder &zeros(std::size_t count)
    {
        m_bytes.resize(m_bytes.size() + count, 0);
        return *this;
    }

    // Length-prefixed string, as GGUF stores keys, names and string values.
    GgufBuilder &string(std::string_view text) { return put(std::uint64_t(text.size())).raw(text); }

    GgufBuilder &type(ValueType valueType) { return put(static_cast<std::uint32_t>(valueType)); }

    // A key and its value type; the value follows with put()/string()/arrayHeader().
    GgufBuilder &key(std::string_view name, ValueType valueType) { return string(name).type(valueType); }

    GgufBuilder &kvUInt32(std::string_view name, std::uint32_t value) { return key(name, ValueType::UInt32).put(value); }
    GgufBuilder &kvString(std::string_view name, std::string_view value) { return key(name, ValueType::String).string(value); }

    // The element type and length of an array value; the elements follow.
    GgufBuilder &arrayHeader(ValueType elementType, std::uint64_t count) { return type(elementType).put(count); }

    GgufBuilder &tensorInfo(std::string_view name, std::initializer_list<std::uint64_t> dims, std::uint32_t tensorType, std::uint64_t offset)
    {
        string(name).put(static_cast<std::uint32_t>(dims.size()));
        for (const std::uint64_t dim : dims)
            put(dim);
        return put(tensorType).put(offset);
    }
    GgufBuilder &tensorInfo(std::string_view name, std::initializer_list<std::uint64_t> dims, TensorType tensorType, std::uint64_t offset)
    {
        return tensorInfo(name, dims, static_cast<std::uint32_t>(tensorType), offset);
    }

    // Zero padding up to the next multiple of `alignment`, where the tensor data starts.
    GgufBuilder &align(std::size_t alignment = 32)
    {
        return zeros((alignment - m_bytes.size() % alignment) % alignment);
    }

    std::size_t size() const { return m_bytes.size(); }
    const std::vector<std::uint8_t> &bytes() const { return m_bytes; }
    // The first `count` bytes, for truncation cases.
    std::vector<std::uint8_t> prefix(std::size_t count) const
    {
        return {m_bytes.begin(), m_bytes.begin() + static_cast<std::ptrdiff_t>(std::min(count, m_bytes.size()))};
    }

private:
    std::vector<std::uint8_t> m_bytes;
};

} // namespace glassbox::gguf::test
