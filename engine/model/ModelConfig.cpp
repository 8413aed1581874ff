#include "ModelConfig.h"

#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <cmath>

namespace glassbox::model
{

namespace
{

std::size_t requiredCount(const gguf::GgufFile &file, const std::string &key)
{
    const auto value = file.getUInt(key);
    if (!value || *value == 0)
        throw Error(file.path() + ": metadata " + key + " is missing or zero");
    return static_cast<std::size_t>(*value);
}

float floatOr(const gguf::GgufFile &file, const std::string &key, double fallback)
{
    return static_cast<float>(file.getFloat(key).value_or(fallback));
}

void readRope(const gguf::GgufFile &file, ModelConfig &config)
{
    config.rope.dims = static_cast<std::size_t>(file.getUInt(file.archKey("rope.dimension_count")).value_or(config.headDim));
    config.rope.freqBase = floatOr(file, file.archKey("rope.freq_base"), 10000.0);
    config.rope.neox = config.traits.neoxRope;
    const std::string scaling = file.getString(file.archKey("rope.scaling.type")).value_or("none");
    const double factor = file.getFloat(file.archKey("rope.scaling.factor")).value_or(0.0);
    if (scaling == "linear" && factor > 0.0)
        config.rope.freqScale = static_cast<float>(1.0 / factor);
    else if (scaling != "none" && scaling != "linear")
        throw Error(file.path() + ": rope scaling '" + scaling + "' is not supported yet");
    // Phi-3's long-context variants (LongRoPE) rescale each frequency by these tensors.
    if (file.findTensor("rope_factors_long.weight") || file.findTensor("rope_factors_short.weight"))
        throw Error(file.path() + ": LongRoPE (rope_factors_long/short) is not supported yet");

    // Gemma 3's sliding-window layers keep the original base and no scaling (llama.cpp's
    // rope_freq_base_train_swa); everything else uses the same rotation in every layer.
    config.localRope = config.rope;
    if (config.traits.localRopeBase > 0.0f) {
        config.localRope.freqBase = config.traits.localRopeBase;
        config.localRope.freqScale = 1.0f;
    }
}

// 1/sqrt(head_dim), except Gemma 2 and 3 27B, whose query_pre_attn_scalar is n_embd / n_head;
// llama.cpp recognizes them by their layer count, as this does.
float attentionScaleFor(const ModelConfig &config)
{
    const bool gemma27b = (config.architecture == "gemma2" && config.layers == 46) || (config.architecture == "gemma3" && config.layers == 62);
    const std::size_t scalar = gemma27b ? config.embedding / config.heads : config.headDim;
    return 1.0f / std::sqrt(static_cast<float>(scalar));
}

} // namespace

ModelConfig ModelConfig::fromGguf(const gguf::GgufFile &file)
{
    ModelConfig config;
    config.architecture = file.architecture();
    config.traits = architectureTraits(config.architecture);

    config.embedding = requiredCount(file, file.archKey("embedding_length"));
    config.layers = requiredCount(file, file.archKey("block_count"));
    config.heads = requiredCount(file, file.archKey("attention.head_count"));
    config.kvHeads = static_cast<std::size_t>(file.getUInt(file.archKey("attention.head_count_kv")).value_or(config.heads));
    config.headDim = static_cast<std::size_t>(file.getUInt(file.archKey("attention.key_length")).value_or(config.embedding / config.heads));
    config.feedForward = requiredCount(file, file.archKey("feed_forward_length"));
    config.contextLength = requiredCount(file, file.archKey("context_length"));
    config.rmsEps = floatOr(file, file.archKey("attention.layer_norm_rms_epsilon"), 1e-5);
    config.layerNormEps = floatOr(file, file.archKey("attention.layer_norm_epsilon"), 1e-12);

    const gguf::TensorInfo *embeddings = file.findTensor("token_embd.weight");
    if (!embeddings || embeddings->dims.size() != 2)
        throw Error(file.path() + ": tensor token_embd.weight is missing or not a matrix");
    config.vocab = static_cast<std::size_t>(file.getUInt(file.archKey("vocab_size")).value_or(embeddings->dims[1]));
    config.tiedOutput = file.findTensor("output.weight") == nullptr;

    readRope(file, config);
    config.embeddingScale = config.traits.scaleEmbedding ? std::sqrt(static_cast<float>(config.embedding)) : 1.0f;
    config.attentionScale = attentionScaleFor(config);
    // Only the architectures whose graphs soft-cap (Gemma 2) read the caps, as llama.cpp does.
    if (config.traits.defaultAttnSoftcap > 0.0f)
        config.attentionSoftcap = floatOr(file, file.archKey("attn_logit_softcapping"), config.traits.defaultAttnSoftcap);
    if (config.traits.defaultFinalSoftcap > 0.0f)
        config.finalSoftcap = floatOr(file, file.archKey("final_logit_softcapping"), config.traits.defaultFinalSoftcap);
    if (config.traits.slidingPattern > 0) {
        config.slidingWindow = static_cast<std::size_t>(file.getUInt(file.archKey("attention.sliding_window")).value_or(config.traits.defaultSlidingWindow));
        if (config.slidingWindow == 0)
            throw Error(file.path() + ": metadata " + file.archKey("attention.sliding_window") + " is missing or zero");
    }
    if (config.traits.encoder) {
        const auto pooling = file.getUInt(file.archKey("pooling_type")).value_or(static_cast<std::uint64_t>(Pooling::Mean));
        if (pooling > static_cast<std::uint64_t>(Pooling::Last))
            throw Error(file.path() + ": pooling type " + std::to_string(pooling) + " is not supported (mean, CLS or last)");
        config.pooling = static_cast<Pooling>(pooling);
    }

    if (config.kvHeads == 0 || config.heads % config.kvHeads != 0)
        throw Error(file.path() + ": " + std::to_string(config.heads) + " attention heads cannot share " + std::to_string(config.kvHeads) + " KV heads");
    if (config.headDim == 0 || config.rope.dims > config.headDim || config.rope.dims % 2 != 0)
        throw Error(file.path() + ": rotary dimension " + std::to_string(config.rope.dims) + " does not fit heads of " + std::to_string(config.headDim));
    return config;
}

} // namespace glassbox::model
