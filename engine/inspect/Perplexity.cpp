#include "Perplexity.h"

#include "session/Session.h"
#include "session/TokenLogprobs.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <algorithm>
#include <cmath>

namespace glassbox::inspect
{

namespace
{

// Scored tokens per forward pass: bounds the all-rows logits buffer (rows × vocabulary floats)
// and sets how often cancellation and progress are looked at.
constexpr std::size_t kScoreBatch = 128;

} // namespace

std::optional<PerplexityResult> perplexity(session::Session &session,
                                           const tokenizer::Tokenizer &tokenizer,
                                           std::span<const tokenizer::TokenId> tokens,
                                           const PerplexityOptions &options,
                                           const PerplexityProgress &progress,
                                           std::stop_token stop)
{
    if (tokens.size() < 2)
        throw Error("perplexity needs a text of at least two tokens");
    const std::size_t window = options.window ? options.window : session.contextLength();
    if (window < 2)
        throw Error("the perplexity window must hold at least 2 tokens");
    if (std::min(window, tokens.size()) > session.contextLength())
        throw Error("a perplexity window of " + std::to_string(window) + " tokens does not fit in a context of " + std::to_string(session.contextLength()));
    const std::size_t stride = options.stride ? options.stride : window / 2;
    // A stride of a whole window would leave each window's first token without a prediction.
    if (stride >= window)
        throw Error("the perplexity stride must be smaller than the window (" + std::to_string(window) + "), got " + std::to_string(stride));

    const tokenizer::Vocab &vocab = tokenizer.vocab();
    const bool startsWithBos = vocab.addBos && vocab.isValid(vocab.bos);
    const std::size_t vocabSize = session.vocabSize();
    const std::size_t total = tokens.size() - 1;
    PerplexityResult result;
    result.tokens.reserve(total);
    double nll = 0.0;

    // Tokens before scoredEnd are scored already (the text's first token never is).
    for (std::size_t begin = 0, scoredEnd = 1; scoredEnd < tokens.size(); begin += stride) {
        if (stop.stop_requested())
            return std::nullopt;
        const std::size_t end = std::min(begin + window, tokens.size());
        // The window's last token predicts nothing in it, so it is never fed.
        std::vector<tokenizer::TokenId> input(tokens.begin() + static_cast<std::ptrdiff_t>(begin), tokens.begin() + static_cast<std::ptrdiff_t>(end - 1));
        if (begin > 0 && startsWithBos)
            input.front() = vocab.bos;
        session.clear();
        // Row r of the window predicts tokens[begin + r + 1]; rows before firstRow are context only.
        const std::size_t firstRow = scoredEnd - 1 - begin;
        if (firstRow > 0)
            session.prefill(std::span(input).first(firstRow));
        for (std::size_t row = firstRow; row < input.size(); row += kScoreBatch) {
            if (stop.stop_requested())
                return std::nullopt;
            const auto batch = std::span(input).subspan(row, std::min(kScoreBatch, input.size() - row));
            const std::vector<float> logits = session.prefill(batch, session::Session::Logits::All);
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const tokenizer::TokenId target = tokens[begin + row + i + 1];
                const double logprob = session::TokenLogprobs({logits.data() + i * vocabSize, vocabSize}).of(target);
                result.tokens.push_back({target, tokenizer.tokenBytes(target), logprob});
                nll -= logprob;
            }
            if (progress)
                progress(result.tokens.size(), total);
        }
        scoredEnd = end;
        ++result.windows;
    }
    result.meanNll = nll / static_cast<double>(result.tokens.size());
    result.perplexity = std::exp(result.meanNll);
    return result;
}

} // namespace glassbox::inspect
