#version 450
#extension GL_EXT_control_flow_attributes : require

// Rotary position embedding, in place. One invocation per (row, rotated pair): it turns that pair in
// every head of the row. The pair's cosine and sine come from the host, computed as the CPU backend
// computes them (ggml's stepped angles, the C library's sin and cos: GLSL's are far less accurate),
// and the rotation rounds as ggml's two fused multiply-adds do.

layout(local_size_x_id = 0, local_size_x = 64) in;

#include "grid.glsl"

layout(std430, set = 0, binding = 0) buffer X { float x[]; };
// Per row and pair: cosine, sine.
layout(std430, set = 0, binding = 1) readonly buffer Angles { vec2 angles[]; };

layout(push_constant) uniform Parameters {
    uint rows;
    uint heads;
    uint headDim;
    uint pairs; // rotated pairs per head: dims / 2
    uint neox; // pairs (i, i + pairs) rather than (2i, 2i + 1)
};

// 0 (batches are smaller than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (rows >> 31)
#include "ggml_float.glsl"

void main()
{
    const uint item = flatInvocationIndex();
    if (item >= rows * pairs)
        return;
    const uint row = item / pairs;
    const uint pair = item - row * pairs;
    const float c = angles[item].x;
    const float s = angles[item].y;
    const uint first = neox != 0u ? pair : 2u * pair;
    const uint second = neox != 0u ? pair + pairs : 2u * pair + 1u;
    for (uint head = 0u; head < heads; ++head) {
        const uint base = (row * heads + head) * headDim;
        const float a = x[base + first];
        const float b = x[base + second];
        precise const float bs = b * s;
        precise const float bc = b * c;
        x[base + first] = exactFma(a, c, -fence(bs));
        x[base + second] = exactFma(a, s, fence(bc));
    }
}
