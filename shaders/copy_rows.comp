#version 450

// Rows of an F32 tensor into an F16 one (KV cache writes), or, built with FROM_HALF, back; built
// with TO_Q8_0, into a Q8_0 cache, rounded as the CPU backend rounds it (q8_0_rounding.glsl).
// Halves are packed two per word; the offsets count elements from the start of each binding and may
// be odd. Writing halves, each invocation owns one target word, so a word shared with rows outside
// the copy keeps its other half without any two invocations writing the same word. Q8_0 blocks are
// 34 bytes, so a pair of blocks fills 17 whole words: each invocation owns one pair, and `count`
// and `targetOffset` count blocks (the binding starts at a pair).

layout(local_size_x_id = 0, local_size_x = 256) in;

#include "exact_divide.glsl"
#include "grid.glsl"
#include "half.glsl"
#include "q8_0_rounding.glsl"

#ifdef FROM_HALF
layout(std430, set = 0, binding = 0) readonly buffer Source { uint source[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Target { float target[]; };
#else
layout(std430, set = 0, binding = 0) readonly buffer Source { float source[]; };
layout(std430, set = 0, binding = 1) buffer Target { uint target[]; };
#endif

layout(push_constant) uniform Parameters {
    uint count; // elements to copy (Q8_0: blocks)
    uint sourceOffset;
    uint targetOffset;
};

#ifdef TO_Q8_0
void main()
{
    const uint pair = targetOffset / 2u + flatInvocationIndex();
    const uint end = targetOffset + count;
    bool inside[2];
    uint words[Q8_0_PAIR_WORDS];
    for (uint w = 0u; w < Q8_0_PAIR_WORDS; ++w)
        words[w] = 0u;
    for (uint b = 0u; b < 2u; ++b) {
        const uint block = 2u * pair + b;
        inside[b] = block >= targetOffset && block < end;
        if (inside[b]) {
            const uint from = sourceOffset + (block - targetOffset) * 32u;
            float values[32];
            for (uint j = 0u; j < 32u; ++j)
                values[j] = source[from + j];
            packQ8_0Block(values, b, words);
        }
    }
    // Words 0-7 are the first block's, 9-16 the second's; word 8 holds the first's last two quants
    // and the second's scale, and keeps the half of a block outside the copy.
    const uint at = pair * Q8_0_PAIR_WORDS;
    for (uint w = 0u; w < Q8_0_PAIR_WORDS; ++w) {
        if (w == 8u) {
            if (inside[0] && inside[1])
                target[at + w] = words[w];
            else if (inside[0])
                target[at + w] = (target[at + w] & 0xffff0000u) | words[w];
            else if (inside[1])
                target[at + w] = (target[at + w] & 0xffffu) | words[w];
        } else if (inside[w < 8u ? 0 : 1]) {
            target[at + w] = words[w];
        }
    }
}
#else
void main()
{
    const uint i = flatInvocationIndex();
#ifdef FROM_HALF
    if (i >= count)
        return;
    const uint element = sourceOffset + i;
    target[targetOffset + i] = halfAt(source[element / 2u], element);
#else
    const uint end = targetOffset + count;
    const uint word = targetOffset / 2u + i;
    if (word * 2u >= end)
        return;
    const uint first = word * 2u;
    uint packed = 0u;
    if (first < targetOffset || first + 1u >= end)
        packed = target[word]; // a half of this word belongs to a row outside the copy
    for (uint lane = 0u; lane < 2u; ++lane) {
        const uint element = first + lane;
        if (element >= targetOffset && element < end) {
            const uint shift = 16u * lane;
            packed = (packed & ~(0xffffu << shift)) | (floatToHalf(source[sourceOffset + element - targetOffset]) << shift);
        }
    }
    target[word] = packed;
#endif
}
#endif
