#pragma once

#include "compute/ComputeBackend.h"

#include <memory>
#include <vector>

namespace glassbox::session
{

// The keys and values of every position seen so far, per layer: row p of keys(layer) holds the
// (rotated) key of position p for all KV heads side by side. F16 halves the memory at a cost of
// about 1e-2 in log-probabilities; Q8_0 (blocks of 32 with an F16 scale, within each head) takes
// 53 % of F16 for long contexts; F32 is for exact comparisons.
class KvCache
{
public:
    // type: F16, F32 or Q8_0.
    KvCache(compute::ComputeBackend &backend, std::size_t layers, std::size_t capacity, std::size_t kvWidth, gguf::TensorType type = gguf::TensorType::F16);

    std::size_t capacity() const
    {
        return m_capacity;
    }
    gguf::TensorType type() const
    {
        return m_type;
    }
    compute::Tensor &keys(std::size_t layer)
    {
        return *m_keys.at(layer);
    }
    compute::Tensor &values(std::size_t layer)
    {
        return *m_values.at(layer);
    }

private:
    std::size_t m_capacity;
    gguf::TensorType m_type;
    std::vector<std::unique_ptr<compute::Tensor>> m_keys;
    std::vector<std::unique_ptr<compute::Tensor>> m_values;
};

} // namespace glassbox::session
