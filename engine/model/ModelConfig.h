#pragma once

#include "Architecture.h"
#include "compute/ComputeBackend.h"

#include <cstddef>
#include <string>

namespace glassbox::gguf
{
class GgufFile;
}

namespace glassbox::model
{

// How an encoder's token vectors become one embedding (llama.cpp's <arch>.pooling_type).
enum class Pooling { None = 0, Mean = 1, Cls = 2, Last = 3 };

// The hyper-parameters a forward pass needs, read from GGUF metadata with llama.cpp's defaults.
struct ModelConfig {
    std::string architecture;
    ArchitectureTraits traits;
    std::size_t embedding = 0; // n_embd
    std::size_t layers = 0;
    std::size_t heads = 0;
    std::size_t kvHeads = 0; // fewer than heads for grouped-query attention
    std::size_t headDim = 0;
    std::size_t feedForward = 0; // n_ff
    std::size_t vocab = 0;
    std::size_t contextLength = 0; // what the model was trained for
    float rmsEps = 1e-5f; // RMSNorm; LayerNorm (encoders) uses layerNormEps
    float layerNormEps = 1e-12f;
    compute::RopeParams rope;
    compute::RopeParams localRope; // for sliding-window layers
    bool tiedOutput = false; // no output.weight: the token embeddings project back to logits
    float embeddingScale = 1.0f; // the token embeddings are multiplied by this
    float attentionScale = 1.0f; // query · key is multiplied by this
    float attentionSoftcap = 0.0f; // 0: none
    float finalSoftcap = 0.0f; // logits = cap * tanh(logits / cap); 0: none
    std::size_t slidingWindow = 0; // keys visible to a sliding-window layer; 0: no such layers
    Pooling pooling = Pooling::Mean;

    std::size_t queryWidth() const
    {
        return heads * headDim;
    }
    std::size_t kvWidth() const
    {
        return kvHeads * headDim;
    }
    bool isSlidingLayer(std::size_t layer) const
    {
        const std::size_t pattern = traits.slidingPattern;
        return slidingWindow > 0 && pattern > 0 && layer % pattern < pattern - 1;
    }
    const compute::RopeParams &ropeFor(std::size_t layer) const
    {
        return isSlidingLayer(layer) ? localRope : rope;
    }
    compute::AttentionParams attentionFor(std::size_t layer) const
    {
        return {.scale = attentionScale,
                .softcap = attentionSoftcap,
                .scaleQuery = traits.scaleQuery,
                .window = isSlidingLayer(layer) ? slidingWindow : 0,
                .causal = !traits.encoder};
    }

    // Throws glassbox::Error for an architecture this engine cannot run or missing/inconsistent values.
    static ModelConfig fromGguf(const gguf::GgufFile &file);
};

} // namespace glassbox::model
