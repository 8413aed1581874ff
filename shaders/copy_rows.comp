#version 450

// Rows of an F32 tensor into an F16 one (KV cache writes), or, built with FROM_HALF, back. Halves
// are packed two per word; the offsets count elements from the start of each binding and may be odd.
// Writing halves, each invocation owns one target word, so a word shared with rows outside the copy
// keeps its other half without any two invocations writing the same word.

layout(local_size_x_id = 0, local_size_x = 256) in;

#include "grid.glsl"
#include "half.glsl"

#ifdef FROM_HALF
layout(std430, set = 0, binding = 0) readonly buffer Source { uint source[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Target { float target[]; };
#else
layout(std430, set = 0, binding = 0) readonly buffer Source { float source[]; };
layout(std430, set = 0, binding = 1) buffer Target { uint target[]; };
#endif

layout(push_constant) uniform Parameters {
    uint count; // elements to copy
    uint sourceOffset;
    uint targetOffset;
};

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
