#include "TokenLogprobs.h"

#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace glassbox::session
{

TokenLogprobs::TokenLogprobs(std::span<const float> logits)
    : m_logits(logits)
{
    if (logits.empty())
        throw Error("log-probabilities of an empty vocabulary");
    const double max = *std::max_element(logits.begin(), logits.end());
    // With e = exp(logit - max) and S = sum(e): H = -sum(p log p) = log S - sum(e (logit - max)) / S,
    // so the entropy comes from the same single pass.
    double sum = 0.0;
    double weighted = 0.0;
    for (float logit : logits) {
        const double shifted = static_cast<double>(logit) - max;
        const double e = std::exp(shifted);
        sum += e;
        if (e > 0.0) // a -inf logit adds nothing (and 0 · -inf would be NaN)
            weighted += e * shifted;
    }
    m_logSumExp = max + std::log(sum);
    m_entropy = std::log(sum) - weighted / sum;
}

double TokenLogprobs::of(std::int32_t id) const
{
    return static_cast<double>(m_logits[static_cast<std::size_t>(id)]) - m_logSumExp;
}

std::vector<TokenLogprob> TokenLogprobs::top(std::size_t k) const
{
    std::vector<std::int32_t> order(m_logits.size());
    std::iota(order.begin(), order.end(), 0);
    k = std::min(k, order.size());
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(k);
    std::partial_sort(order.begin(), end, order.end(), [&](std::int32_t a, std::int32_t b) {
        const float la = m_logits[static_cast<std::size_t>(a)];
        const float lb = m_logits[static_cast<std::size_t>(b)];
        return la > lb || (la == lb && a < b);
    });
    std::vector<TokenLogprob> result;
    result.reserve(k);
    for (auto it = order.begin(); it != end; ++it)
        result.push_back({*it, of(*it)});
    return result;
}

} // namespace glassbox::session
