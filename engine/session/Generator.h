#pragma once

#include "sampling/FinishReason.h"
#include "sampling/SamplerChain.h"

#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace glassbox::tokenizer
{
class Tokenizer;
}

namespace glassbox::session
{

class Session;

struct GenerationOptions {
    int maxTokens = -1; // < 0: until the context is full
    std::vector<std::string> stopStrings;
    bool stopAtEndToken = true; // the vocabulary's EOS and EOT end generation (benchmarks turn this off)
    std::size_t topAlternatives = 0; // how many of the most likely tokens each GeneratedToken lists
    std::size_t recordStagesTopN = 0; // > 0: each GeneratedToken has the sampler chain's records, with this many top tokens
};

struct Alternative {
    tokenizer::TokenId id = 0;
    std::string piece; // the token's own bytes (possibly part of a UTF-8 character)
    double logprob = 0.0;
};

struct GeneratedToken {
    tokenizer::TokenId id = 0;
    std::string piece; // what this token completes of the text, in whole UTF-8 characters
    std::string text; // what may be shown now: pieces less anything that could begin a stop string
    double logprob = 0.0; // under the model's raw distribution (see TokenLogprobs)
    double entropy = 0.0; // of that raw distribution over the whole vocabulary, in nats
    std::vector<Alternative> top;
    // What each stage of the sampler chain left (the raw distribution first); empty unless asked for.
    std::vector<sampling::StageRecord> stages;
};

struct GenerationResult {
    sampling::FinishReason finishReason = sampling::FinishReason::Length;
    std::size_t promptTokens = 0;
    std::size_t reusedTokens = 0; // prompt tokens whose cache entries were kept from before
    std::size_t prefilledTokens = 0; // prompt tokens run through the model
    std::size_t generatedTokens = 0; // tokens streamed (an end token is not)
    std::string trailingText; // text released only at the end (held back for a stop string, or an incomplete character)
    double prefillSeconds = 0.0;
    double firstTokenSeconds = 0.0; // from the call until the first token was picked
    double decodeSeconds = 0.0;
    std::size_t decodedTokens = 0; // single-token forward passes

    double prefillTokensPerSecond() const;
    double decodeTokensPerSecond() const;
};

// Runs a prompt and then picks tokens one at a time with a sampler chain (greedy by default),
// feeding each back to the session, until an end token, the token budget, a stop string, a
// cancel request or a full context ends it.
class Generator
{
public:
    using TokenCallback = std::function<void(const GeneratedToken &)>;

    Generator(Session &session, const tokenizer::Tokenizer &tokenizer, sampling::SamplerChain chain = sampling::SamplerChain());

    // The prompt shares what it can with the session's history (Session::evaluatePrompt). `stop`
    // is checked between prompt batches and before each token, so at most one more token is
    // streamed after it is requested.
    GenerationResult
    generate(std::span<const tokenizer::TokenId> prompt, const GenerationOptions &options, const TokenCallback &onToken, std::stop_token stop = {});

private:
    Session &m_session;
    const tokenizer::Tokenizer &m_tokenizer;
    sampling::SamplerChain m_chain;
};

} // namespace glassbox::session
