#include "KvCache.h"

#include "util/Error.h"

namespace glassbox::session
{

KvCache::KvCache(compute::ComputeBackend &backend, std::size_t layers, std::size_t capacity, std::size_t kvWidth, gguf::TensorType type)
    : m_capacity(capacity)
    , m_type(type)
{
    if (type != gguf::TensorType::F16 && type != gguf::TensorType::F32 && type != gguf::TensorType::Q8_0)
        throw Error("the KV cache can be F16, F32 or Q8_0, not " + std::string(gguf::tensorTypeName(type)));
    if (capacity == 0)
        throw Error("the KV cache needs room for at least one position");
    for (std::size_t i = 0; i < layers; ++i) {
        m_keys.push_back(backend.create(type, capacity, kvWidth));
        m_values.push_back(backend.create(type, capacity, kvWidth));
    }
}

} // namespace glassbox::session
