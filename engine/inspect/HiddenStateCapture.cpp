#include "HiddenStateCapture.h"

#include "util/Error.h"

#include <string>

namespace glassbox::inspect
{

std::span<const float> HiddenStateCapture::state(std::size_t layer, std::size_t position) const
{
    if (layer >= m_states.size())
        throw Error("hidden state capture: no state for layer " + std::to_string(layer));
    if (position >= m_states[layer].size())
        return {};
    return m_states[layer][position];
}

void HiddenStateCapture::clear()
{
    m_states.clear();
    m_positions = 0;
}

void HiddenStateCapture::record(std::size_t layer, std::size_t states, std::size_t start, std::size_t count, std::span<const float> values, std::size_t width)
{
    if (layer >= states || values.size() != count * width)
        throw Error("hidden state capture: the states do not match the model");
    // A capture moved to a model of another depth starts over.
    if (m_states.size() != states)
        m_states.assign(states, {});
    auto &rows = m_states[layer];
    rows.resize(start);
    for (std::size_t i = 0; i < count; ++i)
        rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(i * width), values.begin() + static_cast<std::ptrdiff_t>((i + 1) * width));
    m_positions = start + count;
}

} // namespace glassbox::inspect
