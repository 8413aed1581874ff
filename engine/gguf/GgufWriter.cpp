#include "GgufWriter.h"

#include "util/Error.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <type_traits>

namespace glassbox::gguf {

namespace {

class Output
{
public:
    explicit Output(const std::string &path)
        : m_path(path)
        , m_stream(path, std::ios::binary | std::ios::trunc)
    {
        if (!m_stream)
            throw Error(path + ": cannot open for writing");
    }

    template<typename T>
    void put(T value)
    {
        static_assert(std::is_arithmetic_v<T>);
        bytes(&value, sizeof value); // GGUF is little-endian, like every platform Glassbox runs on
    }

    void bytes(const void *data, std::size_t size)
    {
        m_stream.write(static_cast<const char *>(data), std::streamsize(size));
        m_position += size;
    }

    void string(const std::string &text)
    {
        put<std::uint64_t>(text.size());
        bytes(text.data(), text.size());
    }

    void padTo(std::uint64_t alignment)
    {
        static constexpr char kZeros[64] = {};
        while (m_position % alignment != 0)
            bytes(kZeros, std::min<std::uint64_t>(sizeof kZeros, alignment - m_position % alignment));
    }

    void close()
    {
        m_stream.close();
        if (!m_stream)
            throw Error(m_path + ": write failed (disk full?)");
    }

private:
    std::string m_path;
    std::ofstream m_stream;
    std::uint64_t m_position = 0;
};

[[noreturn]] void wrongValue(const std::string &key)
{
    throw Error("metadata key '" + key + "': the value does not hold its declared type");
}

template<typename T, typename Stored>
void putNumber(Output &out, const Value &value, const std::string &key)
{
    const Stored *stored = std::get_if<Stored>(&value.data);
    if (!stored)
        wrongValue(key);
    out.put(static_cast<T>(*stored));
}

void putValue(Output &out, const Value &value, const std::string &key)
{
    switch (value.type) {
    case ValueType::UInt8:
        return putNumber<std::uint8_t, std::uint64_t>(out, value, key);
    case ValueType::Int8:
        return putNumber<std::int8_t, std::int64_t>(out, value, key);
    case ValueType::UInt16:
        return putNumber<std::uint16_t, std::uint64_t>(out, value, key);
    case ValueType::Int16:
        return putNumber<std::int16_t, std::int64_t>(out, value, key);
    case ValueType::UInt32:
        return putNumber<std::uint32_t, std::uint64_t>(out, value, key);
    case ValueType::Int32:
        return putNumber<std::int32_t, std::int64_t>(out, value, key);
    case ValueType::UInt64:
        return putNumber<std::uint64_t, std::uint64_t>(out, value, key);
    case ValueType::Int64:
        return putNumber<std::int64_t, std::int64_t>(out, value, key);
    case ValueType::Float32:
        return putNumber<float, double>(out, value, key);
    case ValueType::Float64:
        return putNumber<double, double>(out, value, key);
    case ValueType::Bool:
        return putNumber<std::uint8_t, bool>(out, value, key);
    case ValueType::String: {
        const std::string *text = value.asString();
        if (!text)
            wrongValue(key);
        return out.string(*text);
    }
    case ValueType::Array: {
        const ValueArray *array = value.asArray();
        if (!array)
            wrongValue(key);
        out.put(static_cast<std::uint32_t>(array->elementType));
        out.put<std::uint64_t>(array->items.size());
        for (const Value &item : array->items) {
            if (item.type != array->elementType)
                wrongValue(key);
            putValue(out, item, key);
        }
        return;
    }
    }
    wrongValue(key);
}

} // namespace

void GgufWriter::setMetadata(const std::string &key, Value value)
{
    const auto it = std::find(m_keys.begin(), m_keys.end(), key);
    if (it != m_keys.end()) {
        m_values[std::size_t(it - m_keys.begin())] = std::move(value);
        return;
    }
    m_keys.push_back(key);
    m_values.push_back(std::move(value));
}

void GgufWriter::addTensor(const std::string &name, std::vector<std::uint64_t> dims, TensorType type)
{
    const auto traits = tensorTypeTraits(static_cast<std::uint32_t>(type));
    if (!traits)
        throw Error("tensor '" + name + "': unknown tensor type " + std::to_string(static_cast<std::uint32_t>(type)));
    if (dims.empty() || dims.size() > 4)
        throw Error("tensor '" + name + "': expected 1 to 4 dimensions, got " + std::to_string(dims.size()));
    if (dims[0] % traits->blockElements != 0) {
        throw Error("tensor '" + name + "': row length " + std::to_string(dims[0]) + " is not a multiple of the "
                    + std::string(traits->name) + " block size " + std::to_string(traits->blockElements));
    }
    for (const Tensor &tensor : m_tensors) {
        if (tensor.name == name)
            throw Error("duplicate tensor name '" + name + "'");
    }
    std::uint64_t elements = 1;
    for (const std::uint64_t dim : dims)
        elements *= dim;
    m_tensors.push_back({name, std::move(dims), type, elements / traits->blockElements * traits->blockBytes});
}

std::uint64_t GgufWriter::alignment() const
{
    const auto it = std::find(m_keys.begin(), m_keys.end(), "general.alignment");
    if (it == m_keys.end())
        return 32;
    const Value &value = m_values[std::size_t(it - m_keys.begin())];
    const auto a = value.asUInt();
    if (value.type != ValueType::UInt32 || !a || *a == 0 || (*a & (*a - 1)) != 0)
        throw Error("general.alignment must be a power of two stored as uint32, found " + value.toDisplayString());
    return *a;
}

void GgufWriter::write(const std::string &path, const FillTensor &fill) const
{
    const std::uint64_t align = alignment();
    const std::string partial = path + ".part";
    try {
        Output out(partial);
        out.bytes("GGUF", 4);
        out.put<std::uint32_t>(3);
        out.put<std::uint64_t>(m_tensors.size());
        out.put<std::uint64_t>(m_keys.size());
        for (std::size_t i = 0; i < m_keys.size(); ++i) {
            out.string(m_keys[i]);
            out.put(static_cast<std::uint32_t>(m_values[i].type));
            putValue(out, m_values[i], m_keys[i]);
        }
        std::uint64_t offset = 0;
        for (const Tensor &tensor : m_tensors) {
            out.string(tensor.name);
            out.put<std::uint32_t>(std::uint32_t(tensor.dims.size()));
            for (const std::uint64_t dim : tensor.dims)
                out.put(dim);
            out.put(static_cast<std::uint32_t>(tensor.type));
            out.put(offset);
            offset += (tensor.byteSize + align - 1) / align * align;
        }
        out.padTo(align);
        std::vector<std::uint8_t> data;
        for (std::size_t i = 0; i < m_tensors.size(); ++i) {
            data.assign(m_tensors[i].byteSize, 0);
            fill(i, data.data());
            out.bytes(data.data(), data.size());
            out.padTo(align);
        }
        out.close();
        std::error_code error;
        std::filesystem::rename(partial, path, error);
        if (error)
            throw Error(path + ": cannot replace it with the written file: " + error.message());
    } catch (...) {
        std::remove(partial.c_str());
        throw;
    }
}

} // namespace glassbox::gguf
