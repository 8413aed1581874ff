#pragma once

#include "GgufValue.h"
#include "TensorType.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace glassbox::gguf {

// Writes a GGUF v3 file: metadata in the order it was set, then the tensor table, then the tensor
// data at offsets aligned to general.alignment (32 unless that key is set). Tensor data is streamed:
// write() asks for each tensor's bytes in turn, so a model never has to be in memory whole.
class GgufWriter
{
public:
    // Setting a key again replaces its value in place.
    void setMetadata(const std::string &key, Value value);
    // dims[0] is the row length, as in GgufFile. Throws glassbox::Error for a duplicate name or a row
    // length that is not a whole number of blocks.
    void addTensor(const std::string &name, std::vector<std::uint64_t> dims, TensorType type);

    struct Tensor {
        std::string name;
        std::vector<std::uint64_t> dims;
        TensorType type;
        std::uint64_t byteSize;
    };
    const std::vector<Tensor> &tensors() const { return m_tensors; }

    // Fills `out` (tensors()[index].byteSize bytes) with the data of tensor `index`.
    using FillTensor = std::function<void(std::size_t index, std::uint8_t *out)>;
    // Writes next to `path` and renames on success, so a failure never leaves a partial file behind.
    // Throws glassbox::Error on I/O failure; exceptions from `fill` propagate.
    void write(const std::string &path, const FillTensor &fill) const;

private:
    std::uint64_t alignment() const;

    std::vector<std::string> m_keys;
    std::vector<Value> m_values;
    std::vector<Tensor> m_tensors;
};

} // namespace glassbox::gguf
