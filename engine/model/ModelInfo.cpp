#include "ModelInfo.h"

#include "gguf/GgufFile.h"

#include <algorithm>
#include <limits>
#include <map>

namespace glassbox::model {

namespace {

using gguf::GgufFile;
using gguf::Value;
using gguf::ValueArray;

// An "<arch>.<suffix>" integer. Some architectures give one value per layer (OpenELM's head counts,
// for one); the largest of them bounds what every layer needs.
std::optional<std::uint64_t> hyperParameter(const GgufFile &file, std::string_view suffix)
{
    const Value *value = file.find(file.archKey(suffix));
    if (!value)
        return std::nullopt;
    if (const auto number = value->asUInt())
        return number;
    const ValueArray *perLayer = value->asArray();
    if (!perLayer)
        return std::nullopt;
    std::optional<std::uint64_t> largest;
    for (const Value &item : perLayer->items) {
        if (const auto number = item.asUInt())
            largest = std::max(largest.value_or(0), *number);
    }
    return largest;
}

std::optional<double> floatParameter(const GgufFile &file, std::string_view suffix)
{
    const Value *value = file.find(file.archKey(suffix));
    return value ? value->asFloat() : std::nullopt;
}

void readTensors(const GgufFile &file, ModelInfo &info)
{
    std::map<gguf::TensorType, TensorTypeCount> byType;
    for (const gguf::TensorInfo &tensor : file.tensors()) {
        info.parameterCount += tensor.elementCount;
        info.weightBytes += tensor.byteSize;
        TensorTypeCount &count = byType[tensor.type];
        count.type = tensor.type;
        ++count.tensors;
        count.bytes += tensor.byteSize;
    }
    info.tensorCount = file.tensors().size();
    for (const auto &entry : byType)
        info.tensorTypes.push_back(entry.second);
}

void readAttention(const GgufFile &file, ModelInfo &info)
{
    info.contextLength = hyperParameter(file, "context_length");
    info.layerCount = hyperParameter(file, "block_count");
    info.embeddingLength = hyperParameter(file, "embedding_length");
    info.feedForwardLength = hyperParameter(file, "feed_forward_length");
    info.headCount = hyperParameter(file, "attention.head_count");
    info.kvHeadCount = hyperParameter(file, "attention.head_count_kv");
    if (!info.kvHeadCount)
        info.kvHeadCount = info.headCount;
    info.headDim = hyperParameter(file, "attention.key_length");
    if (!info.headDim && info.embeddingLength && info.headCount && *info.headCount > 0)
        info.headDim = *info.embeddingLength / *info.headCount;
    info.slidingWindow = hyperParameter(file, "attention.sliding_window");

    info.rope.dimensionCount = hyperParameter(file, "rope.dimension_count");
    info.rope.freqBase = floatParameter(file, "rope.freq_base");
    if (const Value *type = file.find(file.archKey("rope.scaling.type")); type && type->asString())
        info.rope.scalingType = *type->asString();
    info.rope.scalingFactor = floatParameter(file, "rope.scaling.factor");
    // Older files only have rope.scale_linear, which means linear scaling.
    if (!info.rope.scalingFactor) {
        info.rope.scalingFactor = floatParameter(file, "rope.scale_linear");
        if (info.rope.scalingFactor && info.rope.scalingType.empty())
            info.rope.scalingType = "linear";
    }
    info.rope.originalContext = hyperParameter(file, "rope.scaling.original_context_length");
}

void readTokenizer(const GgufFile &file, ModelInfo &info)
{
    info.tokenizerModel = file.getString("tokenizer.ggml.model").value_or("");
    info.preTokenizer = file.getString("tokenizer.ggml.pre").value_or("");
    const ValueArray *tokens = file.getArray("tokenizer.ggml.tokens");
    if (tokens)
        info.vocabSize = tokens->items.size();
    else
        info.vocabSize = hyperParameter(file, "vocab_size").value_or(0);

    // llama.cpp's key names, "seperator" included. An id of -1 (stored as 0xffffffff) or one past the
    // vocabulary means the model has no such token.
    static constexpr std::pair<const char *, const char *> kRoles[] = {
        {"bos", "tokenizer.ggml.bos_token_id"},     {"eos", "tokenizer.ggml.eos_token_id"},
        {"eot", "tokenizer.ggml.eot_token_id"},     {"unk", "tokenizer.ggml.unknown_token_id"},
        {"pad", "tokenizer.ggml.padding_token_id"}, {"sep", "tokenizer.ggml.seperator_token_id"},
        {"cls", "tokenizer.ggml.cls_token_id"},     {"mask", "tokenizer.ggml.mask_token_id"},
    };
    for (const auto &[role, key] : kRoles) {
        const auto id = file.getUInt(key);
        const std::uint64_t limit = info.vocabSize > 0 ? info.vocabSize : std::numeric_limits<std::uint32_t>::max();
        if (!id || *id >= limit || (tokens && *id >= tokens->items.size()))
            continue;
        SpecialToken token{role, static_cast<std::uint32_t>(*id), {}};
        if (tokens && tokens->items[*id].asString())
            token.text = *tokens->items[*id].asString();
        info.specialTokens.push_back(std::move(token));
    }

    if (const auto chatTemplate = file.getString("tokenizer.chat_template")) {
        info.hasChatTemplate = true;
        info.chatTemplateLength = chatTemplate->size();
    }
}

} // namespace

ModelInfo ModelInfo::fromGguf(const GgufFile &file)
{
    ModelInfo info;
    info.architecture = file.architecture();
    info.name = file.getString("general.name").value_or("");
    info.ggufVersion = file.version();
    info.fileSize = file.fileSize();
    readTensors(file, info);
    readAttention(file, info);
    readTokenizer(file, info);
    return info;
}

std::optional<std::uint64_t> ModelInfo::kvCacheBytes(std::uint64_t context, std::uint64_t bytesPerElement) const
{
    if (!layerCount || !kvHeadCount || !headDim)
        return std::nullopt;
    std::uint64_t total = 2;
    for (const std::uint64_t factor : {*layerCount, *kvHeadCount, *headDim, context, bytesPerElement}) {
        if (__builtin_mul_overflow(total, factor, &total))
            return std::nullopt;
    }
    return total;
}

} // namespace glassbox::model
