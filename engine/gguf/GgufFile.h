#pragma once

#include "GgufValue.h"
#include "TensorType.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace glassbox {
class MappedFile;
}

namespace glassbox::gguf {

struct TensorInfo {
    std::string name;
    std::vector<std::uint64_t> dims; // dims[0] is the row length (contiguous), as in ggml
    TensorType type = TensorType::F32;
    std::uint64_t offset = 0; // from the start of the data section
    std::uint64_t elementCount = 0;
    std::uint64_t byteSize = 0;
    const std::uint8_t *data = nullptr; // points into the mapped file

    std::uint64_t rowLength() const { return dims.empty() ? 1 : dims[0]; }
    std::uint64_t rowCount() const { return rowLength() ? elementCount / rowLength() : 0; }
};

struct MetadataEntry {
    std::string key;
    Value value;
};

// A GGUF v2/v3 file: metadata and tensor table parsed and validated up front, tensor data mapped.
// Every offset, count and size is checked against the file before use; a malformed file throws
// glassbox::Error with "<file>: byte <offset>: <what was expected>". Memory stays proportional to the
// file: counts must fit in the bytes left, and metadata holds at most 2^24 values.
class GgufFile
{
public:
    explicit GgufFile(const std::string &path);
    // Parses a copy of `bytes`; `label` stands for the file name in messages (fuzzing, tests).
    static std::unique_ptr<GgufFile> fromBytes(std::vector<std::uint8_t> bytes, std::string label = "<memory>");
    ~GgufFile();
    GgufFile(const GgufFile &) = delete;
    GgufFile &operator=(const GgufFile &) = delete;

    const std::string &path() const { return m_label; }
    std::uint32_t version() const { return m_version; }
    std::uint64_t alignment() const { return m_alignment; }
    std::uint64_t fileSize() const { return m_size; }
    std::uint64_t dataOffset() const { return m_dataOffset; }

    const std::vector<MetadataEntry> &metadata() const { return m_metadata; }
    const Value *find(std::string_view key) const;
    std::optional<std::uint64_t> getUInt(std::string_view key) const;
    std::optional<std::int64_t> getInt(std::string_view key) const;
    std::optional<double> getFloat(std::string_view key) const;
    std::optional<bool> getBool(std::string_view key) const;
    std::optional<std::string> getString(std::string_view key) const;
    const ValueArray *getArray(std::string_view key) const;
    // "<general.architecture>.<suffix>", the way llama.cpp names hyper-parameters.
    std::string archKey(std::string_view suffix) const;
    std::string architecture() const;

    const std::vector<TensorInfo> &tensors() const { return m_tensors; }
    const TensorInfo *findTensor(std::string_view name) const;

private:
    GgufFile() = default;
    void parse();

    std::string m_label;
    std::unique_ptr<MappedFile> m_mapped;
    std::vector<std::uint8_t> m_owned;
    const std::uint8_t *m_data = nullptr;
    std::uint64_t m_size = 0;

    std::uint32_t m_version = 0;
    std::uint64_t m_alignment = 32;
    std::uint64_t m_dataOffset = 0;
    std::vector<MetadataEntry> m_metadata;
    std::unordered_map<std::string, std::size_t> m_metadataIndex;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string, std::size_t> m_tensorIndex;
};

} // namespace glassbox::gguf
