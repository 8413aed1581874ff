#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::gguf {
class GgufFile;
}

namespace glassbox::chat {

// A well-known prompt format written as the Jinja template its models ship with, for files that
// carry no tokenizer.chat_template.
struct KnownFormat {
    std::string_view name;
    std::string_view source;
};

// chatml, llama2, llama3, gemma, phi3, mistral.
const std::vector<KnownFormat> &knownFormats();
// Throws glassbox::Error listing the known names when `name` is none of them.
const KnownFormat &knownFormat(std::string_view name);
// The format a file's model most likely uses, from its architecture and its special tokens;
// nullopt when nothing fits.
std::optional<std::string> guessFormat(const gguf::GgufFile &file);

} // namespace glassbox::chat
