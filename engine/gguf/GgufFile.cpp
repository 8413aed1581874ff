#include "GgufFile.h"

#include "util/Error.h"
#include "util/MappedFile.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

namespace glassbox::gguf {

namespace {

constexpr std::uint32_t kMaxDims = 4;
constexpr int kMaxArrayNesting = 8;
// name length, one name byte, n_dims, one dimension, type, offset
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;
constexpr std::uint64_t kMinKeyValueBytes = 8 + 1 + 4 + 1; // key length, one key byte, type, a uint8
// A metadata value costs far more memory than its bytes in the file (a uint8 becomes a Value), so the
// number of values is capped; real files hold about a million (vocabularies of 256k tokens, merges).
constexpr std::uint64_t kMaxMetadataValues = std::uint64_t(1) << 24;

// Reads little-endian values from the mapped bytes, checking every read against the end, and knows
// where it is so that an error can name the byte.
class Cursor
{
public:
    Cursor(const std::uint8_t *data, std::uint64_t size, const std::string &label)
        : m_data(data)
        , m_size(size)
        , m_label(label)
    {
    }

    std::uint64_t position() const { return m_pos; }
    std::uint64_t remaining() const { return m_size - m_pos; }

    [[noreturn]] void fail(std::uint64_t at, const std::string &what) const
    {
        throw Error(m_label + ": byte " + std::to_string(at) + ": " + what);
    }

    void need(std::uint64_t bytes, const char *what) const
    {
        if (bytes > remaining()) {
            fail(m_pos,
                 std::string("file is truncated: expected ") + what + " (" + std::to_string(bytes) + " bytes) but only "
                     + std::to_string(remaining()) + " bytes are left");
        }
    }

    template<typename T>
    T read(const char *what)
    {
        need(sizeof(T), what);
        T value;
        std::memcpy(&value, m_data + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return value;
    }

    std::string readString(const char *what)
    {
        const std::uint64_t start = m_pos;
        const auto length = read<std::uint64_t>(what);
        if (length > remaining()) {
            fail(start,
                 std::string(what) + " claims " + std::to_string(length) + " bytes but only " + std::to_string(remaining())
                     + " bytes are left in the file");
        }
        std::string text(reinterpret_cast<const char *>(m_data + m_pos), static_cast<std::size_t>(length));
        m_pos += length;
        return text;
    }

    // A count of items that each take at least `minItemBytes` must fit in what is left.
    void checkCount(std::uint64_t count, std::uint64_t minItemBytes, std::uint64_t countAt, const char *what) const
    {
        if (minItemBytes > 0 && count > remaining() / minItemBytes) {
            fail(countAt,
                 std::string(what) + " count " + std::to_string(count) + " cannot fit in the " + std::to_string(remaining())
                     + " bytes left in the file");
        }
    }

private:
    const std::uint8_t *m_data;
    std::uint64_t m_size;
    std::uint64_t m_pos = 0;
    const std::string &m_label;
};

std::uint64_t minimumValueBytes(ValueType type)
{
    switch (type) {
    case ValueType::UInt8:
    case ValueType::Int8:
    case ValueType::Bool:
        return 1;
    case ValueType::UInt16:
    case ValueType::Int16:
        return 2;
    case ValueType::UInt32:
    case ValueType::Int32:
    case ValueType::Float32:
        return 4;
    case ValueType::String: // the length prefix
    case ValueType::UInt64:
    case ValueType::Int64:
    case ValueType::Float64:
        return 8;
    case ValueType::Array: // element type + count
        return 12;
    }
    return 1;
}

ValueType readValueType(Cursor &cursor, const std::string &key)
{
    const std::uint64_t at = cursor.position();
    const auto raw = cursor.read<std::uint32_t>("a value type");
    if (raw > static_cast<std::uint32_t>(ValueType::Float64))
        cursor.fail(at, "unknown metadata value type " + std::to_string(raw) + " for key '" + key + "'");
    return static_cast<ValueType>(raw);
}

// `valuesLeft` is what remains of kMaxMetadataValues for the whole file.
Value readValue(Cursor &cursor, ValueType type, const std::string &key, int depth, std::uint64_t &valuesLeft)
{
    Value value;
    value.type = type;
    switch (type) {
    case ValueType::UInt8:
        value.data = std::uint64_t(cursor.read<std::uint8_t>("a uint8 value"));
        break;
    case ValueType::Int8:
        value.data = std::int64_t(cursor.read<std::int8_t>("an int8 value"));
        break;
    case ValueType::UInt16:
        value.data = std::uint64_t(cursor.read<std::uint16_t>("a uint16 value"));
        break;
    case ValueType::Int16:
        value.data = std::int64_t(cursor.read<std::int16_t>("an int16 value"));
        break;
    case ValueType::UInt32:
        value.data = std::uint64_t(cursor.read<std::uint32_t>("a uint32 value"));
        break;
    case ValueType::Int32:
        value.data = std::int64_t(cursor.read<std::int32_t>("an int32 value"));
        break;
    case ValueType::UInt64:
        value.data = cursor.read<std::uint64_t>("a uint64 value");
        break;
    case ValueType::Int64:
        value.data = cursor.read<std::int64_t>("an int64 value");
        break;
    case ValueType::Float32:
        value.data = double(cursor.read<float>("a float32 value"));
        break;
    case ValueType::Float64:
        value.data = cursor.read<double>("a float64 value");
        break;
    case ValueType::Bool: {
        const std::uint64_t at = cursor.position();
        const auto raw = cursor.read<std::uint8_t>("a bool value");
        if (raw > 1)
            cursor.fail(at, "bool value " + std::to_string(raw) + " of key '" + key + "' is neither 0 nor 1");
        value.data = raw == 1;
        break;
    }
    case ValueType::String:
        value.data = cursor.readString("a string value");
        break;
    case ValueType::Array: {
        if (depth >= kMaxArrayNesting)
            cursor.fail(cursor.position(), "arrays nested deeper than " + std::to_string(kMaxArrayNesting) + " levels in key '" + key + "'");
        ValueArray array;
        array.elementType = readValueType(cursor, key);
        const std::uint64_t countAt = cursor.position();
        const auto count = cursor.read<std::uint64_t>("an array length");
        cursor.checkCount(count, minimumValueBytes(array.elementType), countAt, "array element");
        if (count > valuesLeft) {
            cursor.fail(countAt,
                        "array of " + std::to_string(count) + " elements in key '" + key + "' exceeds the limit of "
                            + std::to_string(kMaxMetadataValues) + " metadata values in a file");
        }
        valuesLeft -= count;
        array.items.reserve(static_cast<std::size_t>(count));
        for (std::uint64_t i = 0; i < count; ++i)
            array.items.push_back(readValue(cursor, array.elementType, key, depth + 1, valuesLeft));
        value.data = std::move(array);
        break;
    }
    }
    return value;
}

bool multiplyOverflows(std::uint64_t a, std::uint64_t b, std::uint64_t &result)
{
    return __builtin_mul_overflow(a, b, &result);
}

} // namespace

GgufFile::GgufFile(const std::string &path)
    : m_label(path)
    , m_mapped(std::make_unique<MappedFile>(path))
{
    m_data = m_mapped->data();
    m_size = m_mapped->size();
    parse();
}

std::unique_ptr<GgufFile> GgufFile::fromBytes(std::vector<std::uint8_t> bytes, std::string label)
{
    std::unique_ptr<GgufFile> file(new GgufFile());
    file->m_label = std::move(label);
    file->m_owned = std::move(bytes);
    file->m_data = file->m_owned.data();
    file->m_size = file->m_owned.size();
    file->parse();
    return file;
}

GgufFile::~GgufFile() = default;

void GgufFile::parse()
{
    Cursor cursor(m_data, m_size, m_label);

    if (m_size == 0)
        cursor.fail(0, "the file is empty; expected a GGUF file");
    cursor.need(4, "the magic 'GGUF'");
    if (std::memcmp(m_data, "GGUF", 4) != 0) {
        std::ostringstream found;
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = m_data[i];
            if (c >= 0x20 && c < 0x7f)
                found << c;
            else
                found << "\\x" << std::hex << int(c) << std::dec;
        }
        cursor.fail(0, "not a GGUF file: expected the magic 'GGUF' but found '" + found.str() + "'");
    }
    cursor.read<std::uint32_t>("the magic");

    const std::uint64_t versionAt = cursor.position();
    m_version = cursor.read<std::uint32_t>("the format version");
    if (m_version != 2 && m_version != 3) {
        // A byte-swapped version means a big-endian file.
        const std::string hint = (m_version & 0xffff) == 0 ? " (a big-endian file?)" : "";
        cursor.fail(versionAt, "unsupported GGUF version " + std::to_string(m_version) + hint + "; supported versions are 2 and 3");
    }

    const std::uint64_t tensorCountAt = cursor.position();
    const auto tensorCount = cursor.read<std::uint64_t>("the tensor count");
    const std::uint64_t kvCountAt = cursor.position();
    const auto kvCount = cursor.read<std::uint64_t>("the metadata count");
    cursor.checkCount(kvCount, kMinKeyValueBytes, kvCountAt, "metadata key/value");
    if (kvCount > kMaxMetadataValues) {
        cursor.fail(kvCountAt,
                    "metadata count " + std::to_string(kvCount) + " exceeds the limit of " + std::to_string(kMaxMetadataValues)
                        + " metadata values in a file");
    }
    std::uint64_t valuesLeft = kMaxMetadataValues - kvCount;

    std::uint64_t alignmentAt = 0;
    m_metadata.reserve(static_cast<std::size_t>(kvCount));
    for (std::uint64_t i = 0; i < kvCount; ++i) {
        const std::uint64_t keyAt = cursor.position();
        std::string key = cursor.readString("a metadata key");
        if (key.empty())
            cursor.fail(keyAt, "empty metadata key");
        if (m_metadataIndex.count(key))
            cursor.fail(keyAt, "duplicate metadata key '" + key + "'");
        if (key == "general.alignment")
            alignmentAt = keyAt;
        const ValueType type = readValueType(cursor, key);
        Value value = readValue(cursor, type, key, 0, valuesLeft);
        m_metadataIndex.emplace(key, m_metadata.size());
        m_metadata.push_back({std::move(key), std::move(value)});
    }

    if (const Value *alignment = find("general.alignment")) {
        const auto a = alignment->asUInt();
        if (alignment->type != ValueType::UInt32 || !a || *a == 0 || (*a & (*a - 1)) != 0)
            cursor.fail(alignmentAt,
                        "general.alignment must be a power of two stored as uint32, found " + std::string(valueTypeName(alignment->type)) + " "
                            + alignment->toDisplayString());
        m_alignment = *a;
    }

    // The tensor table follows the metadata, so only now is it known how many bytes it may take.
    cursor.checkCount(tensorCount, kMinTensorInfoBytes, tensorCountAt, "tensor");
    m_tensors.reserve(static_cast<std::size_t>(tensorCount));
    for (std::uint64_t i = 0; i < tensorCount; ++i) {
        const std::uint64_t infoAt = cursor.position();
        TensorInfo info;
        info.name = cursor.readString("a tensor name");
        if (info.name.empty())
            cursor.fail(infoAt, "tensor " + std::to_string(i) + " has an empty name");
        if (m_tensorIndex.count(info.name))
            cursor.fail(infoAt, "duplicate tensor name '" + info.name + "'");
        const std::uint64_t dimsAt = cursor.position();
        const auto nDims = cursor.read<std::uint32_t>("a tensor's dimension count");
        if (nDims == 0 || nDims > kMaxDims)
            cursor.fail(dimsAt, "tensor '" + info.name + "' has " + std::to_string(nDims) + " dimensions; expected 1 to 4");
        info.elementCount = 1;
        for (std::uint32_t d = 0; d < nDims; ++d) {
            const auto dim = cursor.read<std::uint64_t>("a tensor dimension");
            if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                cursor.fail(dimsAt, "tensor '" + info.name + "' has a negative or huge dimension " + std::to_string(dim));
            if (multiplyOverflows(info.elementCount, dim, info.elementCount) || info.elementCount > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                cursor.fail(dimsAt, "tensor '" + info.name + "': the element count overflows 64 bits");
            info.dims.push_back(dim);
        }
        const std::uint64_t typeAt = cursor.position();
        const auto rawType = cursor.read<std::uint32_t>("a tensor type");
        const auto traits = tensorTypeTraits(rawType);
        if (!traits)
            cursor.fail(typeAt, "unknown tensor type " + std::to_string(rawType) + " in tensor '" + info.name + "'");
        info.type = traits->type;
        if (info.dims[0] % traits->blockElements != 0) {
            cursor.fail(dimsAt,
                        "tensor '" + info.name + "': row length " + std::to_string(info.dims[0]) + " is not a multiple of the "
                            + std::string(traits->name) + " block size " + std::to_string(traits->blockElements));
        }
        if (multiplyOverflows(info.elementCount / traits->blockElements, traits->blockBytes, info.byteSize))
            cursor.fail(dimsAt, "tensor '" + info.name + "': the byte size overflows 64 bits");
        const std::uint64_t offsetAt = cursor.position();
        info.offset = cursor.read<std::uint64_t>("a tensor data offset");
        if (info.offset % m_alignment != 0) {
            cursor.fail(offsetAt,
                        "tensor '" + info.name + "': data offset " + std::to_string(info.offset) + " is not a multiple of the alignment "
                            + std::to_string(m_alignment));
        }
        m_tensorIndex.emplace(info.name, m_tensors.size());
        m_tensors.push_back(std::move(info));
    }

    // The data section starts at the next multiple of the alignment; a file with no tensors may end
    // before it.
    const std::uint64_t headerEnd = cursor.position();
    m_dataOffset = headerEnd + (m_alignment - headerEnd % m_alignment) % m_alignment;
    if (m_tensors.empty())
        return;
    if (m_dataOffset > m_size)
        cursor.fail(headerEnd, "file is truncated: the tensor data section should start at byte " + std::to_string(m_dataOffset));
    const std::uint64_t dataSize = m_size - m_dataOffset;

    // Empty tensors occupy no bytes and so overlap nothing.
    std::vector<const TensorInfo *> byOffset;
    for (TensorInfo &info : m_tensors) {
        if (info.offset > dataSize || info.byteSize > dataSize - info.offset) {
            throw Error(m_label + ": byte " + std::to_string(m_dataOffset + info.offset) + ": tensor '" + info.name + "' ("
                        + std::to_string(info.byteSize) + " bytes at data offset " + std::to_string(info.offset)
                        + ") runs past the end of the file (file is truncated or the offset is wrong; the data section has "
                        + std::to_string(dataSize) + " bytes)");
        }
        info.data = m_data + m_dataOffset + info.offset;
        if (info.byteSize > 0)
            byOffset.push_back(&info);
    }
    std::sort(byOffset.begin(), byOffset.end(), [](const TensorInfo *a, const TensorInfo *b) {
        return a->offset < b->offset;
    });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const TensorInfo &previous = *byOffset[i - 1];
        const TensorInfo &current = *byOffset[i];
        if (current.offset < previous.offset + previous.byteSize) {
            throw Error(m_label + ": byte " + std::to_string(m_dataOffset + current.offset) + ": tensor '" + current.name + "' overlaps tensor '"
                        + previous.name + "' (data offsets " + std::to_string(previous.offset) + "+" + std::to_string(previous.byteSize)
                        + " and " + std::to_string(current.offset) + ")");
        }
    }
}

const Value *GgufFile::find(std::string_view key) const
{
    const auto it = m_metadataIndex.find(std::string(key));
    return it == m_metadataIndex.end() ? nullptr : &m_metadata[it->second].value;
}

std::optional<std::uint64_t> GgufFile::getUInt(std::string_view key) const
{
    const Value *value = find(key);
    return value ? value->asUInt() : std::nullopt;
}

std::optional<std::int64_t> GgufFile::getInt(std::string_view key) const
{
    const Value *value = find(key);
    return value ? value->asInt() : std::nullopt;
}

std::optional<double> GgufFile::getFloat(std::string_view key) const
{
    const Value *value = find(key);
    return value ? value->asFloat() : std::nullopt;
}

std::optional<bool> GgufFile::getBool(std::string_view key) const
{
    const Value *value = find(key);
    return value ? value->asBool() : std::nullopt;
}

std::optional<std::string> GgufFile::getString(std::string_view key) const
{
    const Value *value = find(key);
    const std::string *text = value ? value->asString() : nullptr;
    return text ? std::optional<std::string>(*text) : std::nullopt;
}

const ValueArray *GgufFile::getArray(std::string_view key) const
{
    const Value *value = find(key);
    return value ? value->asArray() : nullptr;
}

std::string GgufFile::architecture() const
{
    return getString("general.architecture").value_or("");
}

std::string GgufFile::archKey(std::string_view suffix) const
{
    return architecture() + "." + std::string(suffix);
}

const TensorInfo *GgufFile::findTensor(std::string_view name) const
{
    const auto it = m_tensorIndex.find(std::string(name));
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

} // namespace glassbox::gguf
