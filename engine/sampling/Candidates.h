#pragma once

#include "tokenizer/Vocab.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace glassbox::sampling
{

using tokenizer::TokenId;

struct Candidate {
    TokenId id = 0;
    float logit = 0.0f;
    // Softmax over the candidates left; valid only while Candidates::normalized() holds.
    float probability = 0.0f;
};

// The tokens still in the running for the next pick. Logits are the truth; probabilities are a cache
// recomputed on demand, so stages that edit logits go through setLogit() and the cache follows.
class Candidates
{
public:
    Candidates() = default;
    // One candidate per vocabulary entry, in id order.
    static Candidates fromLogits(std::span<const float> logits);

    std::size_t size() const
    {
        return m_items.size();
    }
    bool empty() const
    {
        return m_items.empty();
    }
    const Candidate &operator[](std::size_t index) const
    {
        return m_items[index];
    }
    std::span<const Candidate> items() const
    {
        return m_items;
    }

    // Sorted means by descending logit (equal logits by ascending id, so the order is the same everywhere).
    bool sorted() const
    {
        return m_sorted;
    }
    bool normalized() const
    {
        return m_normalized;
    }

    // Position of a token, or nothing when it has been removed. O(1) while the candidates are still the
    // untouched full vocabulary, linear after that.
    std::optional<std::size_t> find(TokenId id) const;

    void setLogit(std::size_t index, float logit);
    void sortByLogit();
    void normalize();
    // sortByLogit() + normalize(): what every probability-based stage starts with.
    void softmax();

    // Keep the count candidates with the highest logits, sorted (a partial sort: cheap on a full vocabulary).
    void keepTop(std::size_t count);
    // Keep the first count candidates (in the current order).
    void truncate(std::size_t count);
    // Drop the first count candidates (XTC removes the head of the distribution).
    void removeFirst(std::size_t count);
    void removeIf(const std::function<bool(const Candidate &)> &remove);
    // Replace the order with an explicit list of positions (typical sampling orders by typicality).
    void reorder(std::span<const std::size_t> positions);

private:
    std::vector<Candidate> m_items;
    bool m_sorted = false;
    bool m_normalized = false;
    bool m_identity = false; // m_items[i].id == i for every i
};

} // namespace glassbox::sampling
