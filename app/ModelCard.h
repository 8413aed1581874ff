#pragma once

#include "gguf/TensorType.h"

#include <QVariantMap>

namespace glassbox::model
{
struct ModelInfo;
}

namespace glassbox::app
{

// The file's side of Models.card (docs/APP_API.md): name, architecture, parameters, quantMix,
// contextTrained, layers, heads, kvHeads, embedding, vocab, tokenizer, plus weightBytes and
// kvBytesPerToken (for a cache of kvType: F16, F32 or Q8_0) from which the memory estimate at any
// context is computed.
QVariantMap modelCard(const model::ModelInfo &info, gguf::TensorType kvType);

} // namespace glassbox::app
