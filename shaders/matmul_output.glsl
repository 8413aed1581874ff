// How a matmul shader writes a result (MatmulOutput in VulkanMatmul.cpp, specialization constant 2).
// The fused modes spare the element-wise pass, and its dispatch, that would otherwise follow.
// Included after matmul_push.glsl, with y bound read-write.
layout(constant_id = 2) const uint OUTPUT = 0u;
const uint kOutputStore = 0u; // y = result
const uint kOutputAccumulate = 1u; // y += result: a projection into the residual stream
const uint kOutputSwiglu = 2u; // y = silu(y) * result: the up projection, y holding the gate's
const uint kOutputGeglu = 3u; // y = gelu(y) * result, likewise

// GELU of every half, as the CPU backend's table holds it (bound to y again for the other modes).
layout(std430, set = 0, binding = 3) readonly buffer GeluTable { float geluTable[]; };

// 0 (tensors hold fewer than 2^31 elements), which the compiler cannot know: see ggml_float.glsl.
#ifndef FENCE_ZERO
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"
#endif
#include "silu.glsl"
#include "half.glsl"
#include "gelu.glsl"

void writeOutput(uint token, uint column, float result)
{
    const uint at = token * outColumns + column;
    if (OUTPUT == kOutputAccumulate)
        y[at] = y[at] + result;
    else if (OUTPUT == kOutputSwiglu)
        y[at] = silu(y[at], column, outColumns) * result;
    else if (OUTPUT == kOutputGeglu)
        y[at] = gelu(y[at]) * result;
    else
        y[at] = result;
}
