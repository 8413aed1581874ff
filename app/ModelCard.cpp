#include "ModelCard.h"

#include "model/ModelInfo.h"

#include <QLocale>

#include <algorithm>
#include <climits>

namespace glassbox::app
{

namespace
{

// Bytes of one K or V cache element, in 32nds (Q8_0: 34 bytes per 32 elements).
std::uint64_t cacheElement32nds(gguf::TensorType type)
{
    switch (type) {
    case gguf::TensorType::F32:
        return 128;
    case gguf::TensorType::Q8_0:
        return 34;
    default:
        return 64;
    }
}

// "Q4_K ×120 (3.80 GiB), F32 ×65 (1.2 MiB)"
QString quantMix(const model::ModelInfo &info)
{
    QStringList parts;
    for (const model::TensorTypeCount &count : info.tensorTypes)
        parts.append(QStringLiteral("%1 ×%2 (%3)")
                         .arg(QString::fromStdString(std::string(gguf::tensorTypeName(count.type))))
                         .arg(count.tensors)
                         .arg(QLocale::c().formattedDataSize(static_cast<qint64>(count.bytes))));
    return parts.join(QStringLiteral(", "));
}

int orZero(const std::optional<std::uint64_t> &value)
{
    return value ? static_cast<int>(std::min<std::uint64_t>(*value, INT_MAX)) : 0;
}

} // namespace

QVariantMap modelCard(const model::ModelInfo &info, gguf::TensorType kvType)
{
    return {
        {QStringLiteral("name"), QString::fromStdString(info.name)},
        {QStringLiteral("architecture"), QString::fromStdString(info.architecture)},
        {QStringLiteral("parameters"), static_cast<qint64>(info.parameterCount)},
        {QStringLiteral("quantMix"), quantMix(info)},
        {QStringLiteral("contextTrained"), orZero(info.contextLength)},
        {QStringLiteral("layers"), orZero(info.layerCount)},
        {QStringLiteral("heads"), orZero(info.headCount)},
        {QStringLiteral("kvHeads"), orZero(info.kvHeadCount)},
        {QStringLiteral("embedding"), orZero(info.embeddingLength)},
        {QStringLiteral("vocab"), static_cast<qint64>(info.vocabSize)},
        {QStringLiteral("tokenizer"), QString::fromStdString(info.tokenizerModel)},
        {QStringLiteral("weightBytes"), static_cast<qint64>(info.weightBytes)},
        {QStringLiteral("kvBytesPerToken"), static_cast<qint64>(info.kvCacheBytes(1, cacheElement32nds(kvType)).value_or(0) / 32)},
        {QStringLiteral("kvType"), QString::fromUtf8(gguf::tensorTypeName(kvType).data())},
    };
}

} // namespace glassbox::app
