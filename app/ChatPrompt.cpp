#include "ChatPrompt.h"

#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <algorithm>
#include <cctype>

namespace glassbox::app
{

ChatPrompt::ChatPrompt(const tokenizer::Tokenizer &tokenizer, std::optional<chat::ChatTemplate> chatTemplate)
    : m_tokenizer(tokenizer)
    , m_template(std::move(chatTemplate))
{
}

std::string ChatPrompt::render(const std::vector<chat::ChatMessage> &messages, bool addGenerationPrompt) const
{
    if (m_template)
        return m_template->render(messages, addGenerationPrompt);
    std::string text;
    for (const chat::ChatMessage &message : messages) {
        std::string role = message.role;
        if (!role.empty())
            role[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(role[0])));
        text += role + ": " + message.content + "\n\n";
    }
    if (addGenerationPrompt)
        text += "Assistant:";
    return text;
}

std::vector<tokenizer::TokenId> ChatPrompt::tokenize(const std::vector<chat::ChatMessage> &messages, bool addGenerationPrompt) const
{
    std::vector<tokenizer::TokenId> tokens = m_tokenizer.encode(render(messages, addGenerationPrompt), true, true);
    // Templates that write the BOS text themselves would otherwise get a second one from addSpecial.
    const tokenizer::TokenId bos = m_tokenizer.vocab().bos;
    if (tokens.size() >= 2 && bos >= 0 && tokens[0] == bos && tokens[1] == bos)
        tokens.erase(tokens.begin());
    return tokens;
}

FittedPrompt ChatPrompt::fit(std::vector<chat::ChatMessage> messages, std::size_t context, std::size_t reserve) const
{
    FittedPrompt fitted;
    const std::size_t first = !messages.empty() && messages.front().role == "system" ? 1 : 0;
    for (;;) {
        fitted.tokens = tokenize(messages, true);
        if (fitted.tokens.size() + reserve <= context)
            return fitted;
        // Drop a user/assistant pair, so templates that insist on alternating roles still render.
        const std::size_t removable = messages.size() - first - 1;
        if (removable == 0)
            break;
        const std::size_t count = std::min<std::size_t>(removable, 2);
        messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(first), messages.begin() + static_cast<std::ptrdiff_t>(first + count));
        fitted.droppedMessages += count;
    }
    throw Error("the message needs " + std::to_string(fitted.tokens.size()) + " tokens with the system prompt, but the context holds " + std::to_string(context)
                + " (with " + std::to_string(reserve) + " kept free for the reply)");
}

std::size_t ChatPrompt::count(const std::string &text) const
{
    return text.empty() ? 0 : m_tokenizer.encode(text, false, false).size();
}

} // namespace glassbox::app
