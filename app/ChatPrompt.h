#pragma once

#include "chat/ChatTemplate.h"
#include "tokenizer/Vocab.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace glassbox::tokenizer
{
class Tokenizer;
}

namespace glassbox::app
{

struct FittedPrompt {
    std::vector<tokenizer::TokenId> tokens;
    std::size_t droppedMessages = 0; // the oldest turns left out so the rest fits
};

// Turns a conversation into prompt tokens the way the model was trained: rendered with its chat
// template (a plain "Role: text" transcript when it has none), special tokens parsed.
class ChatPrompt
{
public:
    ChatPrompt(const tokenizer::Tokenizer &tokenizer, std::optional<chat::ChatTemplate> chatTemplate);

    std::vector<tokenizer::TokenId> tokenize(const std::vector<chat::ChatMessage> &messages, bool addGenerationPrompt) const;
    // The prompt for the next reply, leaving `reserve` positions of `context` free for it. When
    // the conversation is too long, whole turns are dropped from the front (a leading system
    // message stays); throws glassbox::Error when even the last message alone does not fit.
    FittedPrompt fit(std::vector<chat::ChatMessage> messages, std::size_t context, std::size_t reserve) const;
    // Tokens of a bare text, as the context meter counts the system prompt.
    std::size_t count(const std::string &text) const;

private:
    std::string render(const std::vector<chat::ChatMessage> &messages, bool addGenerationPrompt) const;

    const tokenizer::Tokenizer &m_tokenizer;
    std::optional<chat::ChatTemplate> m_template;
};

} // namespace glassbox::app
