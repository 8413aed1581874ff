#pragma once

#include <cstddef>
#include <string_view>

namespace glassbox::model
{

enum class Activation {
    SwiGlu, // silu(gate) * up
    GeGlu, // gelu(gate) * up
    Gelu, // gelu(up), no gate (BERT)
};

// What sets one architecture (general.architecture) apart from llama, as data: the forward pass
// reads these flags instead of comparing names. Tensor names are llama.cpp's.
struct ArchitectureTraits {
    std::string_view name;
    bool encoder = false; // bidirectional, no KV cache, pooled into one vector (BERT): see Embedder
    bool neoxRope = false; // RoPE rotates the two halves of each head (LLAMA_ROPE_TYPE_NEOX)
    bool scaleEmbedding = false; // token embeddings × sqrt(n_embd) (Gemma)
    bool qkvBias = false; // attn_q/k/v.bias (Qwen2)
    bool fusedQkv = false; // one attn_qkv with Q, K and V side by side (Phi-3)
    bool fusedGateUp = false; // ffn_up holds the gate then the up projection, no ffn_gate (Phi-3)
    bool headNorms = false; // RMSNorm of each query and key head: attn_q_norm, attn_k_norm (Gemma 3)
    bool postNorms = false; // RMSNorm of each block's output before the residual add (Gemma 2/3)
    bool scaleQuery = false; // the attention scale multiplies the query, not Q·K (llama.cpp's Gemma graphs)
    Activation activation = Activation::SwiGlu;
    // Sliding-window attention in all but every n-th layer (layer i is global when
    // i % n == n - 1); 0: every layer is global.
    std::size_t slidingPattern = 0;
    std::size_t defaultSlidingWindow = 0; // when the file has no <arch>.attention.sliding_window
    float localRopeBase = 0.0f; // RoPE base of sliding-window layers; 0: the global one (Gemma 3: 10000)
    float defaultAttnSoftcap = 0.0f; // when the file has no <arch>.attn_logit_softcapping (Gemma 2: 50)
    float defaultFinalSoftcap = 0.0f; // when the file has no <arch>.final_logit_softcapping (Gemma 2: 30)
};

// Throws glassbox::Error("unsupported architecture 'mamba'") for names this engine cannot run.
const ArchitectureTraits &architectureTraits(std::string_view name);

} // namespace glassbox::model
