#include "Generator.h"

#include "Session.h"
#include "TokenLogprobs.h"

#include "sampling/StopController.h"
#include "tokenizer/Tokenizer.h"

#include <chrono>
#include <optional>

namespace glassbox::session
{

using sampling::FinishReason;
using tokenizer::TokenId;

namespace
{

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<TokenId> endTokens(const tokenizer::Vocab &vocab)
{
    std::vector<TokenId> ends;
    for (TokenId id : {vocab.eos, vocab.eot})
        if (vocab.isValid(id))
            ends.push_back(id);
    return ends;
}

} // namespace

double GenerationResult::prefillTokensPerSecond() const
{
    return prefillSeconds > 0.0 ? static_cast<double>(prefilledTokens) / prefillSeconds : 0.0;
}

double GenerationResult::decodeTokensPerSecond() const
{
    return decodeSeconds > 0.0 ? static_cast<double>(decodedTokens) / decodeSeconds : 0.0;
}

Generator::Generator(Session &session, const tokenizer::Tokenizer &tokenizer, sampling::SamplerChain chain)
    : m_session(session)
    , m_tokenizer(tokenizer)
    , m_chain(std::move(chain))
{
}

GenerationResult Generator::generate(std::span<const TokenId> prompt, const GenerationOptions &options, const TokenCallback &onToken, std::stop_token stop)
{
    const auto start = Clock::now();
    GenerationResult result;
    result.promptTokens = prompt.size();
    sampling::StopController stops({options.stopStrings, options.maxTokens, options.stopAtEndToken ? endTokens(m_tokenizer.vocab()) : std::vector<TokenId>{}});
    m_chain.reset();

    tokenizer::StreamingDecoder decoder(m_tokenizer);
    // `held` is text the stop controller released at the end; the decoder's incomplete tail
    // follows it, unless a stop string cut the text short.
    auto finish = [&](FinishReason reason, std::string held) {
        result.finishReason = reason;
        result.trailingText = std::move(held);
        if (reason != FinishReason::StopString)
            result.trailingText += decoder.flush();
        return result;
    };
    auto interrupt = [&](FinishReason reason) {
        return finish(reason, stops.stop(reason).text);
    };
    if (stops.finished())
        return interrupt(*stops.finishReason());
    // A prompt that fills the context exactly still yields one token (from its last logits).
    if (prompt.size() > m_session.contextLength())
        return interrupt(FinishReason::ContextFull);

    const std::size_t evaluatedBefore = m_session.evaluatedTokens();
    std::optional<std::vector<float>> logits = m_session.evaluatePrompt(prompt, stop);
    result.prefilledTokens = m_session.evaluatedTokens() - evaluatedBefore;
    result.reusedTokens = m_session.tokens().size() - result.prefilledTokens;
    result.prefillSeconds = secondsSince(start);
    if (!logits)
        return interrupt(FinishReason::Cancelled);

    while (true) {
        if (stop.stop_requested())
            return interrupt(FinishReason::Cancelled);
        sampling::SampleResult sampled = m_chain.sample(*logits, m_session.tokens(), options.recordStagesTopN);
        const TokenId id = sampled.token;
        if (result.generatedTokens == 0)
            result.firstTokenSeconds = secondsSince(start);

        std::string piece = decoder.push(id);
        sampling::StopController::Step step = stops.push(id, piece);
        if (step.finish == FinishReason::EndOfSequence)
            return finish(FinishReason::EndOfSequence, std::move(step.text));
        const TokenLogprobs logprobs(*logits);
        GeneratedToken token{.id = id,
                             .piece = std::move(piece),
                             .text = std::move(step.text),
                             .logprob = logprobs.of(id),
                             .entropy = logprobs.entropy(),
                             .top = {},
                             .stages = std::move(sampled.records)};
        for (const TokenLogprob &alternative : logprobs.top(options.topAlternatives))
            token.top.push_back({alternative.id, m_tokenizer.tokenBytes(alternative.id), alternative.logprob});
        ++result.generatedTokens;
        if (onToken)
            onToken(token);

        if (step.finish)
            return finish(*step.finish, {});
        if (m_session.room() == 0)
            return interrupt(FinishReason::ContextFull);
        if (stop.stop_requested())
            return interrupt(FinishReason::Cancelled);
        const auto decodeStart = Clock::now();
        logits = m_session.decode(id);
        result.decodeSeconds += secondsSince(decodeStart);
        ++result.decodedTokens;
    }
}

} // namespace glassbox::session
