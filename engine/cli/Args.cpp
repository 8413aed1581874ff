#include "Args.h"

#include "util/Error.h"

#include <charconv>

namespace glassbox::cli {

Args::Args(std::vector<std::string> arguments)
    : m_args(std::move(arguments))
    , m_used(m_args.size(), false)
{
}

bool Args::flag(const std::string &name)
{
    bool found = false;
    for (std::size_t i = 0; i < m_args.size(); ++i) {
        if (!m_used[i] && m_args[i] == name) {
            m_used[i] = true;
            found = true;
        }
    }
    return found;
}

std::optional<std::string> Args::option(const std::string &name)
{
    for (std::size_t i = 0; i < m_args.size(); ++i) {
        if (m_used[i])
            continue;
        if (m_args[i] == name) {
            if (i + 1 >= m_args.size())
                throw Error("option " + name + " needs a value");
            m_used[i] = m_used[i + 1] = true;
            return m_args[i + 1];
        }
        if (m_args[i].rfind(name + "=", 0) == 0) {
            m_used[i] = true;
            return m_args[i].substr(name.size() + 1);
        }
    }
    return std::nullopt;
}

std::string Args::required(const std::string &name)
{
    auto value = option(name);
    if (!value)
        throw Error("missing required option " + name);
    return *value;
}

long long Args::integer(const std::string &name, long long fallback)
{
    const auto text = option(name);
    if (!text)
        return fallback;
    long long value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size())
        throw Error("option " + name + " expects an integer, got '" + *text + "'");
    return value;
}

std::optional<std::string> Args::positional()
{
    for (std::size_t i = 0; i < m_args.size(); ++i) {
        if (m_used[i])
            continue;
        if (m_args[i].size() > 1 && m_args[i][0] == '-' && m_args[i] != "--")
            continue;
        m_used[i] = true;
        return m_args[i];
    }
    return std::nullopt;
}

gguf::TensorType Args::kvCacheType()
{
    const std::string name = option("--kv-type").value_or("f16");
    const auto type = gguf::tensorTypeFromName(name);
    if (type != gguf::TensorType::F16 && type != gguf::TensorType::F32 && type != gguf::TensorType::Q8_0)
        throw Error("--kv-type: the KV cache holds f16, f32 or q8_0 elements, not '" + name + "'");
    return *type;
}

void Args::finish() const
{
    for (std::size_t i = 0; i < m_args.size(); ++i) {
        if (!m_used[i])
            throw Error("unexpected argument '" + m_args[i] + "'");
    }
}

} // namespace glassbox::cli
