#include "AttentionCapture.h"

#include "util/Error.h"

#include <algorithm>
#include <string>
#include <utility>

namespace glassbox::inspect
{

namespace
{

std::vector<std::size_t> sortedUnique(std::vector<std::size_t> values, const char *what)
{
    if (values.empty())
        throw Error(std::string("an attention capture needs at least one ") + what);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

} // namespace

AttentionCapture::AttentionCapture(std::vector<std::size_t> layers, std::vector<std::size_t> heads)
    : m_layers(sortedUnique(std::move(layers), "layer"))
    , m_heads(sortedUnique(std::move(heads), "head"))
    , m_rows(m_layers.size() * m_heads.size())
{
}

bool AttentionCapture::capturesLayer(std::size_t layer) const
{
    return std::binary_search(m_layers.begin(), m_layers.end(), layer);
}

std::span<const float> AttentionCapture::row(std::size_t layer, std::size_t head, std::size_t position) const
{
    const auto &rows = m_rows[slot(m_layers, layer, "layer") * m_heads.size() + slot(m_heads, head, "head")];
    if (position >= rows.size())
        return {};
    return rows[position];
}

std::vector<float> AttentionCapture::matrix(std::size_t layer, std::size_t head) const
{
    const std::size_t n = m_positions;
    std::vector<float> result(n * n, 0.0f);
    for (std::size_t query = 0; query < n; ++query) {
        const std::span<const float> probabilities = row(layer, head, query);
        std::copy(probabilities.begin(), probabilities.end(), result.begin() + static_cast<std::ptrdiff_t>(query * n));
    }
    return result;
}

void AttentionCapture::clear()
{
    for (auto &rows : m_rows)
        rows.clear();
    m_positions = 0;
}

void AttentionCapture::record(std::size_t layer, std::size_t start, std::size_t count, std::span<const float> probabilities, std::size_t keys)
{
    if (probabilities.size() != count * m_heads.size() * keys || start + count > keys)
        throw Error("attention capture: the probabilities do not match the queries");
    const std::size_t layerSlot = slot(m_layers, layer, "layer");
    for (std::size_t h = 0; h < m_heads.size(); ++h) {
        auto &rows = m_rows[layerSlot * m_heads.size() + h];
        rows.resize(start);
        for (std::size_t i = 0; i < count; ++i) {
            // A causal query at position p sees keys 0..p; the columns after are zero.
            const float *first = probabilities.data() + (i * m_heads.size() + h) * keys;
            rows.emplace_back(first, first + start + i + 1);
        }
    }
    m_positions = start + count;
}

std::size_t AttentionCapture::slot(const std::vector<std::size_t> &list, std::size_t value, const char *what) const
{
    const auto found = std::lower_bound(list.begin(), list.end(), value);
    if (found == list.end() || *found != value)
        throw Error("attention capture: " + std::string(what) + " " + std::to_string(value) + " is not captured");
    return static_cast<std::size_t>(found - list.begin());
}

} // namespace glassbox::inspect
