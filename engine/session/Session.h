#pragma once

#include "KvCache.h"

#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <vector>

namespace glassbox::model
{
class Transformer;
}

namespace glassbox::session
{

// One conversation with a model: the tokens fed so far and their KV cache. Prompt tokens go in as
// batches (prefill), generated tokens one at a time (decode); each call continues where the
// history ends. Nothing is ever written past the cache: a call that would overflow it throws
// before computing anything.
class Session
{
public:
    struct Options {
        std::size_t contextLength = 0; // 0: the model's trained context
        gguf::TensorType kvType = gguf::TensorType::F16;
        std::size_t batchSize = 512; // prompt tokens per forward pass
    };

    enum class Logits { Last, All };

    Session(model::Transformer &model, const Options &options);

    const std::vector<std::int32_t> &tokens() const
    {
        return m_tokens;
    }
    std::size_t contextLength() const
    {
        return m_cache.capacity();
    }
    // Positions still free in the cache.
    std::size_t room() const
    {
        return m_cache.capacity() - m_tokens.size();
    }
    std::size_t vocabSize() const;
    gguf::TensorType kvType() const
    {
        return m_cache.type();
    }
    // Tokens run through the model since the session was made; shows what prefix reuse saved.
    std::size_t evaluatedTokens() const
    {
        return m_evaluated;
    }

    // Appends `tokens` to the history, a batch at a time. Returns the logits after the last of
    // them, or after each of them (row i follows tokens[i]), vocabSize() floats per row. Throws
    // glassbox::Error when they do not fit in room().
    std::vector<float> prefill(std::span<const std::int32_t> tokens, Logits which = Logits::Last);
    // Appends one token and returns the logits of the next. Throws when the cache is full.
    std::vector<float> decode(std::int32_t token);

    // Makes the history equal to `prompt` and returns the logits after its last token. Only what
    // follows the longest prefix shared with the current history is computed: the history is cut
    // at the first differing token (and at least the last prompt token is run again, since its
    // logits are not kept). Nothing when `stop` was requested, which is checked before each batch
    // (the batches already run stay in the history); throws when the prompt is empty or longer
    // than the context.
    std::optional<std::vector<float>> evaluatePrompt(std::span<const std::int32_t> prompt, std::stop_token stop = {});

    // Keeps the first `count` tokens of the history; later cache rows are overwritten as new tokens come.
    void truncate(std::size_t count);
    void clear()
    {
        truncate(0);
    }

private:
    std::optional<std::vector<float>> run(std::span<const std::int32_t> tokens, Logits which, std::stop_token stop);

    model::Transformer &m_model;
    Options m_options;
    KvCache m_cache;
    std::vector<std::int32_t> m_tokens;
    std::size_t m_evaluated = 0;
};

} // namespace glassbox::session
