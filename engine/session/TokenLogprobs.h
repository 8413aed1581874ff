#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace glassbox::session
{

struct TokenLogprob {
    std::int32_t id = 0;
    double logprob = 0.0; // natural log
};

// The model's own distribution over the next token: log-softmax of raw logits over the whole
// vocabulary at temperature 1, in double (as llama.cpp's reference scripts compute it), whatever
// sampler picks the token.
class TokenLogprobs
{
public:
    // The logits must outlive this object.
    explicit TokenLogprobs(std::span<const float> logits);

    double of(std::int32_t id) const;
    // Of the whole distribution, in nats.
    double entropy() const
    {
        return m_entropy;
    }
    // The k most likely tokens, most likely first; equal logits go to the lower id, as in
    // llama.cpp's greedy sampler.
    std::vector<TokenLogprob> top(std::size_t k) const;

private:
    std::span<const float> m_logits;
    double m_logSumExp = 0.0;
    double m_entropy = 0.0;
};

} // namespace glassbox::session
