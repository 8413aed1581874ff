#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace glassbox::inspect
{

// Opt-in record of attention probabilities: which query heads of which layers to watch, and what
// they did. Hand it to model::Transformer::setAttentionCapture(); every forward pass then stores,
// for each watched (layer, head), the row of each query position it ran: the query's softmax
// probabilities over keys 0..position. A pass starting at position p replaces the rows from p on,
// so after prefix reuse or truncation the capture still mirrors the session's history.
class AttentionCapture
{
public:
    // Both lists non-empty; duplicates are ignored and the order does not matter. The transformer
    // checks them against the model when the capture is set.
    AttentionCapture(std::vector<std::size_t> layers, std::vector<std::size_t> heads);

    // Sorted, without duplicates.
    const std::vector<std::size_t> &layers() const
    {
        return m_layers;
    }
    const std::vector<std::size_t> &heads() const
    {
        return m_heads;
    }
    bool capturesLayer(std::size_t layer) const;

    // One past the last query position captured (rows before it may be empty if the capture was
    // set mid-conversation).
    std::size_t positions() const
    {
        return m_positions;
    }
    // The probabilities of the query at `position` over keys 0..position; empty when that position
    // was not captured. Throws glassbox::Error for a layer or head that is not watched.
    std::span<const float> row(std::size_t layer, std::size_t head, std::size_t position) const;
    // Rows 0..positions()-1 as one positions() × positions() row-major matrix (row = query),
    // zero above the diagonal and in rows not captured.
    std::vector<float> matrix(std::size_t layer, std::size_t head) const;
    void clear();

    // For the transformer: the probabilities of `count` queries at positions start.. of `layer`,
    // laid out as compute::AttentionProbabilities describes (one row of `keys` floats per query
    // and watched head, heads in heads() order).
    void record(std::size_t layer, std::size_t start, std::size_t count, std::span<const float> probabilities, std::size_t keys);

private:
    std::size_t slot(const std::vector<std::size_t> &list, std::size_t value, const char *what) const;

    std::vector<std::size_t> m_layers;
    std::vector<std::size_t> m_heads;
    // [layer slot * heads + head slot][position] → probabilities over keys 0..position.
    std::vector<std::vector<std::vector<float>>> m_rows;
    std::size_t m_positions = 0;
};

} // namespace glassbox::inspect
