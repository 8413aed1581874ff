#version 450
#extension GL_EXT_control_flow_attributes : require

// RMSNorm over rows: y = x / sqrt(mean(x^2) + eps) * weight, rounded as the CPU backend rounds it
// (rms_scale.glsl). One workgroup per row; the row may be any length (each invocation strides over
// it). x and y may be the same buffer. ACCUMULATE (addNormalized): the result also goes into the
// residual stream, z += y, sparing the addition its own dispatch.

// The workgroup size is specialization constant 0. Give the default here only: a separate
// `constant_id = 0` constant would get its own default and disagree with the real size.
layout(local_size_x_id = 0, local_size_x = 128) in;

layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };
#ifdef ACCUMULATE
layout(std430, set = 0, binding = 3) buffer Accumulator { float z[]; };
#endif

layout(push_constant) uniform Parameters {
    uint columns;
    float eps;
};

// 0 (rows are shorter than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"

#include "rms_scale.glsl"

void main()
{
    const uint lane = gl_LocalInvocationIndex;
    const uint base = gl_WorkGroupID.x * columns;
    const float scale = rmsScale(base, columns, eps);
    for (uint i = lane; i < columns; i += gl_WorkGroupSize.x) {
        const float normalized = rmsNormalized(x[base + i], scale, weight[i]);
        y[base + i] = normalized;
#ifdef ACCUMULATE
        z[base + i] += normalized;
#endif
    }
}
