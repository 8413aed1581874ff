#pragma once

#include "Ast.h"

#include <string>
#include <vector>

namespace glassbox::gguf {
class GgufFile;
}

namespace glassbox::chat {

struct ChatMessage {
    std::string role;
    std::string content;
};

// A model's chat template: turns a conversation into the exact prompt text the model was trained
// on, rendering the Jinja source the way Hugging Face transformers' apply_chat_template does.
class ChatTemplate
{
public:
    // Whether fromGguf may replace a template that does not work with a known format. Never the
    // default: a model prompted in the wrong format degrades quietly, so the caller must ask.
    enum class Fallback { Never, ToKnownFormat };

    // Parses `source`; throws glassbox::Error naming the first unsupported construct.
    ChatTemplate(std::string source, std::string bosToken, std::string eosToken, std::string name = "custom");

    // The file's tokenizer.chat_template, or, when it has none, the known format guessed from its
    // architecture and tokens (throws when nothing fits). With Fallback::ToKnownFormat a template
    // that fails to parse, or to render a plain user/assistant/user exchange, is replaced by the
    // guessed format, and fallbackReason() says why.
    static ChatTemplate fromGguf(const gguf::GgufFile &file, Fallback fallback = Fallback::Never);
    // A known format by name (chatml, llama2, llama3, gemma, phi3, mistral) with the file's tokens.
    static ChatTemplate knownFormat(const gguf::GgufFile &file, std::string_view name);

    std::string render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const;

    const std::string &source() const { return m_source; }
    // "gguf" for the file's own template, else the known format's name.
    const std::string &name() const { return m_name; }
    // Empty unless fromGguf fell back; then the error that made it.
    const std::string &fallbackReason() const { return m_fallbackReason; }

private:
    std::string m_source;
    std::string m_bosToken;
    std::string m_eosToken;
    std::string m_name;
    std::string m_fallbackReason;
    std::shared_ptr<const Body> m_body; // shared so templates copy cheaply
};

} // namespace glassbox::chat
