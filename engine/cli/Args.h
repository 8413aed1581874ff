#pragma once

#include "gguf/TensorType.h"

#include <optional>
#include <string>
#include <vector>

namespace glassbox::cli {

// Command-line arguments of one subcommand: `--name value` options, `--flag` switches and
// positionals. Each accessor consumes what it reads, so `finish()` can reject anything unknown.
class Args
{
public:
    Args(std::vector<std::string> arguments);

    bool flag(const std::string &name);
    std::optional<std::string> option(const std::string &name);
    std::string required(const std::string &name);
    long long integer(const std::string &name, long long fallback);
    std::optional<std::string> positional();
    // --kv-type f16|f32|q8_0 (default f16): the KV cache element type of the commands that run a model.
    gguf::TensorType kvCacheType();
    // Throws glassbox::Error naming the first argument nobody asked for.
    void finish() const;

private:
    std::vector<std::string> m_args;
    std::vector<bool> m_used;
};

} // namespace glassbox::cli
