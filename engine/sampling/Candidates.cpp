#include "sampling/Candidates.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassbox::sampling
{

Candidates Candidates::fromLogits(std::span<const float> logits)
{
    Candidates candidates;
    candidates.m_items.resize(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i)
        candidates.m_items[i] = Candidate{static_cast<TokenId>(i), logits[i], 0.0f};
    candidates.m_identity = true;
    return candidates;
}

std::optional<std::size_t> Candidates::find(TokenId id) const
{
    if (m_identity) {
        if (id >= 0 && static_cast<std::size_t>(id) < m_items.size())
            return static_cast<std::size_t>(id);
        return std::nullopt;
    }
    const auto it = std::find_if(m_items.begin(), m_items.end(), [id](const Candidate &c) {
        return c.id == id;
    });
    if (it == m_items.end())
        return std::nullopt;
    return static_cast<std::size_t>(it - m_items.begin());
}

void Candidates::setLogit(std::size_t index, float logit)
{
    m_items[index].logit = logit;
    m_sorted = false;
    m_normalized = false;
}

namespace
{

// std::sort is not stable; the id tie-break makes the order (and so seeded picks) platform-independent.
bool higherLogit(const Candidate &a, const Candidate &b)
{
    return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

} // namespace

void Candidates::sortByLogit()
{
    if (m_sorted)
        return;
    std::sort(m_items.begin(), m_items.end(), higherLogit);
    m_sorted = true;
    m_identity = false;
}

void Candidates::keepTop(std::size_t count)
{
    if (count >= m_items.size()) {
        sortByLogit();
        return;
    }
    if (!m_sorted)
        std::partial_sort(m_items.begin(), m_items.begin() + static_cast<std::ptrdiff_t>(count), m_items.end(), higherLogit);
    m_sorted = true;
    truncate(count);
}

void Candidates::normalize()
{
    if (m_normalized)
        return;
    float maxLogit = -std::numeric_limits<float>::infinity();
    for (const Candidate &c : m_items)
        maxLogit = std::max(maxLogit, c.logit);
    double sum = 0.0;
    if (std::isfinite(maxLogit)) {
        for (Candidate &c : m_items) {
            const double e = std::exp(static_cast<double>(c.logit) - maxLogit);
            c.probability = static_cast<float>(e);
            sum += e;
        }
    }
    for (Candidate &c : m_items)
        c.probability = sum > 0.0 ? static_cast<float>(c.probability / sum) : 0.0f;
    m_normalized = true;
}

void Candidates::softmax()
{
    sortByLogit();
    normalize();
}

void Candidates::truncate(std::size_t count)
{
    if (count >= m_items.size())
        return;
    m_items.resize(count);
    m_normalized = false;
    m_identity = false;
}

void Candidates::removeFirst(std::size_t count)
{
    count = std::min(count, m_items.size());
    if (count == 0)
        return;
    m_items.erase(m_items.begin(), m_items.begin() + static_cast<std::ptrdiff_t>(count));
    m_normalized = false;
    m_identity = false;
}

void Candidates::removeIf(const std::function<bool(const Candidate &)> &remove)
{
    const auto end = std::remove_if(m_items.begin(), m_items.end(), remove);
    if (end == m_items.end())
        return;
    m_items.erase(end, m_items.end());
    m_normalized = false;
    m_identity = false;
}

void Candidates::reorder(std::span<const std::size_t> positions)
{
    std::vector<Candidate> items;
    items.reserve(positions.size());
    for (std::size_t position : positions)
        items.push_back(m_items[position]);
    const bool sameSize = items.size() == m_items.size();
    m_items = std::move(items);
    m_sorted = false;
    m_identity = false;
    if (!sameSize)
        m_normalized = false;
}

} // namespace glassbox::sampling
