#pragma once

#include "gguf/GgufWriter.h"

#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace glassbox::test
{

// Builds small F32 GGUF models with seeded random weights, keeping the values so a test can
// compute the expected outputs independently.
class TinyGguf
{
public:
    explicit TinyGguf(const std::string &architecture)
        : m_architecture(architecture)
    {
        text("general.architecture", architecture);
    }

    void text(const std::string &key, const std::string &value)
    {
        set(key, gguf::ValueType::String, value);
    }
    // `key` without the architecture prefix, e.g. "block_count".
    void count(const std::string &key, std::uint64_t value)
    {
        set(m_architecture + "." + key, gguf::ValueType::UInt32, value);
    }
    void real(const std::string &key, double value)
    {
        set(m_architecture + "." + key, gguf::ValueType::Float32, value);
    }

    // A tensor of `rows` rows of `cols` values around `center` (a 1-D tensor when rows is 1).
    const std::vector<float> &tensor(const std::string &name, std::size_t cols, std::size_t rows, float center = 0.0f, float spread = 0.5f)
    {
        std::vector<float> values(cols * rows);
        std::uniform_real_distribution<float> uniform(center - spread, center + spread);
        for (float &value : values)
            value = uniform(m_random);
        m_writer.addTensor(name, rows == 1 ? std::vector<std::uint64_t>{cols} : std::vector<std::uint64_t>{cols, rows}, gguf::TensorType::F32);
        m_data.push_back(std::move(values));
        return m_data.back();
    }

    void write(const std::string &path) const
    {
        m_writer.write(path, [&](std::size_t index, std::uint8_t *out) {
            const std::vector<float> &values = m_data[index];
            std::memcpy(out, values.data(), values.size() * sizeof(float));
        });
    }

private:
    template<typename T>
    void set(const std::string &key, gguf::ValueType type, T data)
    {
        gguf::Value value;
        value.type = type;
        value.data = std::move(data);
        m_writer.setMetadata(key, std::move(value));
    }

    std::string m_architecture;
    gguf::GgufWriter m_writer;
    std::deque<std::vector<float>> m_data; // a deque, so the references tensor() returns stay valid
    std::mt19937 m_random{1234};
};

} // namespace glassbox::test
