#include "sampling/DryStage.h"

#include "util/Error.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>

namespace glassbox::sampling
{

namespace
{

// Z-function: z[k] = length of the longest common prefix of s and s[k..] (z[0] unused).
std::vector<std::size_t> zFunction(const std::vector<TokenId> &s)
{
    const std::size_t n = s.size();
    std::vector<std::size_t> z(n, 0);
    std::size_t left = 0;
    std::size_t right = 0;
    for (std::size_t k = 1; k < n; ++k) {
        if (k < right)
            z[k] = std::min(right - k, z[k - left]);
        while (k + z[k] < n && s[z[k]] == s[k + z[k]])
            ++z[k];
        if (k + z[k] > right) {
            left = k;
            right = k + z[k];
        }
    }
    return z;
}

} // namespace

DryStage::DryStage(Params params)
    : m_params(std::move(params))
{
    if (m_params.multiplier < 0.0f)
        throw Error("The DRY multiplier must not be negative.");
    if (m_params.allowedLength < 1)
        throw Error("The DRY allowed length must be at least 1.");
}

std::unordered_set<TokenId> DryStage::breakerTokens(std::span<const std::string> pieces, std::span<const std::string> breakers)
{
    std::unordered_set<TokenId> tokens;
    for (std::size_t id = 0; id < pieces.size(); ++id) {
        for (const std::string &breaker : breakers) {
            if (!breaker.empty() && pieces[id].find(breaker) != std::string::npos) {
                tokens.insert(static_cast<TokenId>(id));
                break;
            }
        }
    }
    return tokens;
}

void DryStage::apply(Candidates &candidates, const SamplingContext &context)
{
    if (m_params.multiplier == 0.0f || m_params.base < 1.0f)
        return;
    const auto history = context.history;
    const std::size_t window = m_params.window < 0 ? history.size() : std::min<std::size_t>(static_cast<std::size_t>(m_params.window), history.size());
    const auto allowed = static_cast<std::size_t>(m_params.allowedLength);
    if (window <= allowed)
        return;

    // The context read backwards: a match of the context's end becomes a common prefix.
    std::vector<TokenId> reversed(history.rbegin(), history.rbegin() + static_cast<std::ptrdiff_t>(window));
    std::size_t limit = reversed.size();
    for (std::size_t i = 0; i < reversed.size(); ++i) {
        if (m_params.breakers.contains(reversed[i])) {
            limit = i;
            break;
        }
    }
    if (limit < allowed)
        return;

    const std::vector<std::size_t> z = zFunction(reversed);
    std::map<TokenId, std::size_t> longest; // token that would continue a repeat -> longest such repeat
    for (std::size_t k = 1; k < reversed.size(); ++k) {
        const std::size_t length = std::min(z[k], limit);
        if (length < allowed)
            continue;
        // reversed[k..k+length) matches the context's end; the token that came next is reversed[k-1].
        std::size_t &best = longest[reversed[k - 1]];
        best = std::max(best, length);
    }

    for (const auto &[id, length] : longest) {
        const auto position = candidates.find(id);
        if (!position)
            continue;
        // A long repeat overflows base^n; FLT_MAX is already more than any logit can stand.
        const double penalty =
            std::min(m_params.multiplier * std::pow(static_cast<double>(m_params.base), static_cast<double>(length - allowed)), static_cast<double>(FLT_MAX));
        candidates.setLogit(*position, candidates[*position].logit - static_cast<float>(penalty));
    }
}

} // namespace glassbox::sampling
