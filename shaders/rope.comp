#version 450
#extension GL_EXT_control_flow_attributes : require

// Rotary position embedding, in place. One invocation per (row, head): it turns every rotated pair of
// that head. The pairs' cosines and sines come from the host, computed as the CPU backend computes
// them (ggml's stepped angles, the C library's sin and cos: GLSL's are far less accurate), and the
// rotation rounds as ggml's two fused multiply-adds do.
// STORE (VulkanBackend::ropeAndStore): x holds the queries, and each row's invocations go on past
// its query heads to its key heads, which also write the turned key head and the same head of v
// into the caches (CACHE_FORMAT: F32, F16 or Q8_0, rounded as the CPU backend rounds them), sparing
// the cache writes their dispatches. With HEAD_NORMS (Gemma 3) each query and key head is first
// RMS-normalized in place (headRmsNorm), sparing those their two dispatches.

layout(local_size_x_id = 0, local_size_x = 64) in;

#include "grid.glsl"

layout(std430, set = 0, binding = 0) buffer X { float x[]; };
// Per row and pair: cosine, sine.
layout(std430, set = 0, binding = 1) readonly buffer Angles { vec2 angles[]; };
#ifdef STORE
layout(constant_id = 1) const uint CACHE_FORMAT = 1u;
const uint F32_CACHE = 0u;
const uint F16_CACHE = 1u;
const uint Q8_0_CACHE = 2u; // heads of whole pairs of blocks
layout(std430, set = 0, binding = 2) buffer Keys { float k[]; };
layout(std430, set = 0, binding = 3) readonly buffer Values { float v[]; };
layout(std430, set = 0, binding = 4) writeonly buffer KeyCache { uint keyCache[]; };
layout(std430, set = 0, binding = 5) writeonly buffer ValueCache { uint valueCache[]; };
layout(constant_id = 2) const bool HEAD_NORMS = false;
layout(std430, set = 0, binding = 6) readonly buffer QueryGain { float queryGain[]; };
layout(std430, set = 0, binding = 7) readonly buffer KeyGain { float keyGain[]; };
#include "exact_divide.glsl"
#include "half.glsl"
#include "q8_0_rounding.glsl"
#endif

layout(push_constant) uniform Parameters {
    uint rows;
    uint heads;
    uint headDim;
    uint pairs; // rotated pairs per head: dims / 2
    uint neox; // pairs (i, i + pairs) rather than (2i, 2i + 1)
    // STORE only: key (and value) heads per row, and where the batch's first row starts in the
    // cache bindings: in elements (even for an F16 cache: heads then start at whole words), or for
    // Q8_0 in blocks (even: heads then start at whole pairs).
    uint kvHeads;
    uint cacheStart;
    float eps; // HEAD_NORMS
};

// 0 (batches are smaller than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (rows >> 31)
#include "ggml_float.glsl"
#ifdef STORE
#include "rms_scale.glsl"

// RMSNorm of the head of `values` (a buffer) starting at element `base`, in place, with `gain`
// (a buffer), summing the squares in order as the CPU does.
#define NORMALIZE_HEAD(values, base, gain)                                       \
    if (HEAD_NORMS) {                                                            \
        vec2 squares = vec2(0.0);                                                \
        for (uint i = 0u; i < headDim; ++i)                                      \
            squares = addSquare(squares, values[base + i]);                      \
        const float scale = scaleOf(squares, headDim, eps);                      \
        for (uint i = 0u; i < headDim; ++i)                                      \
            values[base + i] = rmsNormalized(values[base + i], scale, gain[i]);  \
    }
#endif

// Turns every pair of the head of `values` (a buffer) starting at element `base`.
#define TURN_HEAD(values, base)                                                  \
    for (uint pair = 0u; pair < pairs; ++pair) {                                 \
        const vec2 cs = angles[row * pairs + pair];                              \
        const uint first = base + (neox != 0u ? pair : 2u * pair);               \
        const uint second = first + (neox != 0u ? pairs : 1u);                   \
        const float a = values[first];                                           \
        const float b = values[second];                                          \
        precise const float bs = b * cs.y;                                       \
        precise const float bc = b * cs.x;                                       \
        values[first] = exactFma(a, cs.x, -fence(bs));                           \
        values[second] = exactFma(a, cs.y, fence(bc));                           \
    }

#ifdef STORE
// The head of `values` (a buffer) starting at element `from` into `cache` (a buffer), whose head
// starts at element `to` (F32, F16) or at block `to` (Q8_0).
#define STORE_HEAD(values, from, cache, to)                                                  \
    if (CACHE_FORMAT == F16_CACHE) {                                                         \
        for (uint i = 0u; i < headDim; i += 2u)                                              \
            cache[(to + i) / 2u] = floatToHalf(values[from + i]) | floatToHalf(values[from + i + 1u]) << 16; \
    } else if (CACHE_FORMAT == Q8_0_CACHE) {                                                 \
        for (uint pair = 0u; pair < headDim / 64u; ++pair) {                                 \
            uint words[Q8_0_PAIR_WORDS];                                                     \
            for (uint w = 0u; w < Q8_0_PAIR_WORDS; ++w)                                      \
                words[w] = 0u;                                                               \
            for (uint b = 0u; b < 2u; ++b) {                                                 \
                float block[32];                                                             \
                for (uint j = 0u; j < 32u; ++j)                                              \
                    block[j] = values[from + 64u * pair + 32u * b + j];                      \
                packQ8_0Block(block, b, words);                                              \
            }                                                                                \
            for (uint w = 0u; w < Q8_0_PAIR_WORDS; ++w)                                      \
                cache[(to / 2u + pair) * Q8_0_PAIR_WORDS + w] = words[w];                    \
        }                                                                                    \
    } else {                                                                                 \
        for (uint i = 0u; i < headDim; ++i)                                                  \
            cache[to + i] = floatBitsToUint(values[from + i]);                               \
    }

// Key head `head` of `row` (already turned) and the same head of v into the caches.
void store(uint row, uint head)
{
    const uint from = (row * kvHeads + head) * headDim;
    const uint to = cacheStart + (CACHE_FORMAT == Q8_0_CACHE ? from / 32u : from);
    STORE_HEAD(k, from, keyCache, to)
    STORE_HEAD(v, from, valueCache, to)
}
#define HEADS_PER_ROW (heads + kvHeads)
#else
#define HEADS_PER_ROW heads
#endif

void main()
{
    const uint item = flatInvocationIndex();
    if (item >= rows * HEADS_PER_ROW)
        return;
    const uint row = item / HEADS_PER_ROW;
    const uint head = item - row * HEADS_PER_ROW;
#ifdef STORE
    if (head >= heads) {
        const uint kvHead = head - heads;
        NORMALIZE_HEAD(k, (row * kvHeads + kvHead) * headDim, keyGain)
        TURN_HEAD(k, (row * kvHeads + kvHead) * headDim)
        store(row, kvHead);
        return;
    }
    NORMALIZE_HEAD(x, (row * heads + head) * headDim, queryGain)
#endif
    TURN_HEAD(x, (row * heads + head) * headDim)
}
