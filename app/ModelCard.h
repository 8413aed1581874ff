#pragma once

#include <QVariantMap>

namespace glassbox::model
{
struct ModelInfo;
}

namespace glassbox::app
{

// The file's side of Models.card (docs/APP_API.md): name, architecture, parameters, quantMix,
// contextTrained, layers, heads, kvHeads, embedding, vocab, tokenizer, plus weightBytes and
// kvBytesPerToken (F16 cache) from which the memory estimate at any context is computed.
QVariantMap modelCard(const model::ModelInfo &info);

} // namespace glassbox::app
