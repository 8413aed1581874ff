#pragma once

#include "tokenizer/Vocab.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace glassbox::session
{
class Session;
}

namespace glassbox::tokenizer
{
class Tokenizer;
}

namespace glassbox::inspect
{

struct ScoredToken {
    tokenizer::TokenId id = 0;
    std::string piece; // the token's own bytes (possibly part of a UTF-8 character)
    double logprob = 0.0; // natural log, under the model's raw distribution given the tokens before it
};

struct PerplexityOptions {
    std::size_t window = 0; // tokens per forward window; 0: the session's context length
    std::size_t stride = 0; // tokens each window moves on; 0: half the window
};

struct PerplexityResult {
    std::vector<ScoredToken> tokens; // every scored token, in text order
    std::size_t windows = 0;
    double meanNll = 0.0; // mean negative log-likelihood per scored token, in nats
    double perplexity = 0.0; // exp(meanNll)
};

// Called after each batch of scored tokens: how many are scored so far, out of how many.
using PerplexityProgress = std::function<void(std::size_t scored, std::size_t total)>;

// Perplexity of `tokens` (as Tokenizer::encode gives them, BOS included when the vocabulary adds
// one) with a sliding window: window k covers tokens [k·stride, k·stride + window). The first
// window scores all its tokens but the first; each later one scores only the tokens after the
// previous window's end, so each scored token is scored once and sees at least window − stride
// tokens before it. Later windows start from a fresh cache with their first token replaced by BOS
// when the vocabulary adds one, since such models were trained with BOS at position 0 (llama.cpp's
// perplexity does the same). Uses and clears `session`, whose context must hold a window (or the
// whole text, when shorter).
// Nothing when `stop` was requested (checked before each batch). Throws glassbox::Error for fewer
// than two tokens, a window that does not fit or a stride not smaller than the window.
std::optional<PerplexityResult> perplexity(session::Session &session,
                                           const tokenizer::Tokenizer &tokenizer,
                                           std::span<const tokenizer::TokenId> tokens,
                                           const PerplexityOptions &options = {},
                                           const PerplexityProgress &progress = {},
                                           std::stop_token stop = {});

} // namespace glassbox::inspect
