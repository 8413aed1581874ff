#include "Session.h"

#include "model/Transformer.h"
#include "quant/BlockLayouts.h"
#include "util/Error.h"

#include <algorithm>
#include <numeric>

namespace glassbox::session
{

namespace
{

std::size_t contextFor(const model::Transformer &model, const Session::Options &options)
{
    return options.contextLength ? options.contextLength : model.config().contextLength;
}

gguf::TensorType cacheTypeFor(const model::Transformer &model, const Session::Options &options)
{
    // Q8_0 blocks must not straddle two heads.
    if (options.kvType == gguf::TensorType::Q8_0 && model.config().headDim % quant::kQK != 0)
        throw Error("a Q8_0 KV cache needs a head size that is a multiple of 32; this model's is " + std::to_string(model.config().headDim)
                    + " (use F16)");
    return options.kvType;
}

} // namespace

Session::Session(model::Transformer &model, const Options &options)
    : m_model(model)
    , m_options(options)
    , m_cache(model.backend(), model.config().layers, contextFor(model, options), model.config().kvWidth(), cacheTypeFor(model, options))
{
    if (m_options.batchSize == 0)
        throw Error("the prompt batch size must be at least 1");
}

std::size_t Session::vocabSize() const
{
    return m_model.config().vocab;
}

std::vector<float> Session::prefill(std::span<const std::int32_t> tokens, Logits which)
{
    return *run(tokens, which, {});
}

std::vector<float> Session::decode(std::int32_t token)
{
    return prefill(std::span(&token, 1));
}

std::optional<std::vector<float>> Session::run(std::span<const std::int32_t> tokens, Logits which, std::stop_token stop)
{
    if (tokens.size() > room())
        throw Error("the context is full: " + std::to_string(m_tokens.size() + tokens.size()) + " tokens do not fit in " + std::to_string(contextLength()));
    std::vector<float> result;
    for (std::size_t done = 0; done < tokens.size(); done += m_options.batchSize) {
        if (stop.stop_requested())
            return std::nullopt;
        const auto batch = tokens.subspan(done, std::min(m_options.batchSize, tokens.size() - done));
        std::vector<std::size_t> rows;
        if (which == Logits::All) {
            rows.resize(batch.size());
            std::iota(rows.begin(), rows.end(), std::size_t{0});
        } else if (done + batch.size() == tokens.size()) {
            rows.push_back(batch.size() - 1);
        }
        const std::vector<float> logits = m_model.forward(batch, m_tokens.size(), m_cache, rows);
        m_tokens.insert(m_tokens.end(), batch.begin(), batch.end());
        m_evaluated += batch.size();
        result.insert(result.end(), logits.begin(), logits.end());
    }
    return result;
}

std::optional<std::vector<float>> Session::evaluatePrompt(std::span<const std::int32_t> prompt, std::stop_token stop)
{
    if (prompt.empty())
        throw Error("the prompt has no tokens");
    // Checked before the history is cut, so a prompt that cannot fit costs nothing.
    if (prompt.size() > contextLength())
        throw Error("the prompt has " + std::to_string(prompt.size()) + " tokens; the context holds " + std::to_string(contextLength()));
    const auto shared = std::mismatch(m_tokens.begin(), m_tokens.end(), prompt.begin(), prompt.end()).first - m_tokens.begin();
    truncate(std::min(static_cast<std::size_t>(shared), prompt.size() - 1));
    return run(prompt.subspan(m_tokens.size()), Logits::Last, stop);
}

void Session::truncate(std::size_t count)
{
    if (count < m_tokens.size())
        m_tokens.resize(count);
}

} // namespace glassbox::session
