#include "ChatTemplate.h"

#include "Interpreter.h"
#include "KnownFormats.h"
#include "Parser.h"
#include "gguf/GgufFile.h"
#include "util/Error.h"

namespace glassbox::chat {

namespace {

// The text of the special token whose id the file stores under `key`; empty when absent.
std::string specialToken(const gguf::GgufFile &file, std::string_view key)
{
    const std::optional<std::uint64_t> id = file.getUInt(key);
    const gguf::ValueArray *tokens = file.getArray("tokenizer.ggml.tokens");
    if (!id || !tokens || *id >= tokens->items.size())
        return {};
    const std::string *text = tokens->items[static_cast<std::size_t>(*id)].asString();
    return text ? *text : std::string();
}

std::string guessedFormat(const gguf::GgufFile &file)
{
    const std::optional<std::string> guess = guessFormat(file);
    if (!guess)
        throw Error(file.path() + ": no chat template in the file and no known format matches architecture '"
                    + file.architecture() + "'; choose a format by name");
    return *guess;
}

} // namespace

ChatTemplate::ChatTemplate(std::string source, std::string bosToken, std::string eosToken, std::string name)
    : m_source(std::move(source))
    , m_bosToken(std::move(bosToken))
    , m_eosToken(std::move(eosToken))
    , m_name(std::move(name))
    , m_body(std::make_shared<const Body>(parseTemplate(m_source)))
{
}

ChatTemplate ChatTemplate::knownFormat(const gguf::GgufFile &file, std::string_view name)
{
    const KnownFormat &format = chat::knownFormat(name);
    return ChatTemplate(std::string(format.source), specialToken(file, "tokenizer.ggml.bos_token_id"),
                        specialToken(file, "tokenizer.ggml.eos_token_id"), std::string(format.name));
}

ChatTemplate ChatTemplate::fromGguf(const gguf::GgufFile &file, Fallback fallback)
{
    const std::optional<std::string> source = file.getString("tokenizer.chat_template");
    if (!source)
        return knownFormat(file, guessedFormat(file));
    if (fallback == Fallback::Never)
        return ChatTemplate(*source, specialToken(file, "tokenizer.ggml.bos_token_id"), specialToken(file, "tokenizer.ggml.eos_token_id"), "gguf");
    try {
        ChatTemplate own(*source, specialToken(file, "tokenizer.ggml.bos_token_id"), specialToken(file, "tokenizer.ggml.eos_token_id"), "gguf");
        // The plainest conversation, which every chat template must accept.
        own.render({{"user", "Hi."}, {"assistant", "Hello."}, {"user", "Bye."}}, true);
        return own;
    } catch (const Error &error) {
        ChatTemplate known = knownFormat(file, guessedFormat(file));
        known.m_fallbackReason = error.what();
        return known;
    }
}

std::string ChatTemplate::render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const
{
    List list;
    for (const ChatMessage &message : messages)
        list.emplace_back(Dict{{"role", Value(message.role)}, {"content", Value(message.content)}});
    // What transformers passes: the special tokens by text, and no tools or documents.
    const Dict variables = {
        {"messages", Value(std::move(list))},
        {"add_generation_prompt", Value(addGenerationPrompt)},
        {"bos_token", Value(m_bosToken)},
        {"eos_token", Value(m_eosToken)},
    };
    return renderTemplate(*m_body, variables);
}

} // namespace glassbox::chat
