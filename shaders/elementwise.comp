#version 450
#extension GL_EXT_control_flow_attributes : require

// The element-wise ops on F32 activations, one element per invocation. Which op is specialization
// constant 1 (VulkanBackend's ElementwiseOp): each op becomes its own pipeline with the others
// compiled away, from one source. Unary ops bind x again as `other`, which they never read.

layout(local_size_x_id = 0, local_size_x = 256) in;

const uint kAdd = 0; // x += other
const uint kAddBias = 1; // x += other[column]
const uint kScale = 2; // x *= value
const uint kSoftcap = 3; // x = value * tanh(x / value)
const uint kGelu = 4; // x = gelu(x)
const uint kSwiglu = 5; // x = silu(x) * other
const uint kGeglu = 6; // x = gelu(x) * other
layout(constant_id = 1) const uint kOp = kAdd;

#include "grid.glsl"
#include "half.glsl"

layout(std430, set = 0, binding = 0) buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Other { float other[]; };
// GELU of every half, as the CPU backend's table holds it (bound to x for the other ops).
layout(std430, set = 0, binding = 2) readonly buffer GeluTable { float geluTable[]; };

layout(push_constant) uniform Parameters {
    uint count; // elements of x
    uint columns; // of x, for the bias and the registers of swiglu
    float value;
};

// 0 (tensors hold fewer than 2^31 elements), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (count >> 31)
#include "ggml_float.glsl"

// tanh to a few ulps everywhere. GLSL lets the built-in be (e^2x - 1) / (e^2x + 1), which loses all
// relative precision near zero; this is Cephes' tanhf: a polynomial there, the exponential form beyond.
float accurateTanh(float v)
{
    const float a = abs(v);
    if (a < 0.625) {
        const float z = v * v;
        return ((((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z + 1.33314422036e-1) * z - 3.33332819422e-1) * z * v + v;
    }
    // tanh(10) rounds to 1 in float, and exp(2a) stays finite up to there.
    const float t = a >= 10.0 ? 1.0 : 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
    return v < 0.0 ? -t : t;
}

#include "gelu.glsl"
#include "silu.glsl"

void main()
{
    const uint i = flatInvocationIndex();
    if (i >= count)
        return;
    const float v = x[i];
    float result;
    switch (kOp) {
    case kAdd:
        result = v + other[i];
        break;
    case kAddBias:
        result = v + other[i % columns];
        break;
    case kScale:
        result = v * value;
        break;
    case kSoftcap:
        result = value * accurateTanh(v / value);
        break;
    case kGelu:
        result = gelu(v);
        break;
    case kSwiglu:
        result = silu(v, i % columns, columns) * other[i];
        break;
    default: // kGeglu
        result = gelu(v) * other[i];
        break;
    }
    x[i] = result;
}
