#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace glassbox::inspect
{

// Opt-in record of the residual stream between transformer layers, the input of a logit lens.
// Hand it to model::Transformer::setHiddenStateCapture(); every forward pass then stores, for the
// positions it ran, state(layer, position) for layer 0..L (L = the model's layer count): the
// stream entering that layer, so state 0 is the token embedding (times the model's embedding
// scale, where it has one) and state L what the final norm and output head see. As with
// AttentionCapture, a pass starting at position p replaces the positions from p on.
class HiddenStateCapture
{
public:
    // Which rows of each forward pass to keep: all of them, or only the last one (the token whose
    // logits a decode step or a prompt's end produces), which saves (L + 1) × n_embd floats per
    // prompt token.
    enum class Rows { All, Last };

    explicit HiddenStateCapture(Rows rows = Rows::All)
        : m_rows(rows)
    {
    }

    Rows rows() const
    {
        return m_rows;
    }
    // L + 1 once something was captured, else 0.
    std::size_t states() const
    {
        return m_states.size();
    }
    // One past the last position captured.
    std::size_t positions() const
    {
        return m_positions;
    }
    // n_embd floats; empty when that position was not captured.
    std::span<const float> state(std::size_t layer, std::size_t position) const;
    void clear();

    // For the transformer: `count` rows of `width` floats, for positions start.., entering `layer`
    // of a model with `states` - 1 layers.
    void record(std::size_t layer, std::size_t states, std::size_t start, std::size_t count, std::span<const float> values, std::size_t width);

private:
    Rows m_rows;
    // [layer][position] → the stream entering that layer at that position.
    std::vector<std::vector<std::vector<float>>> m_states;
    std::size_t m_positions = 0;
};

} // namespace glassbox::inspect
