#version 450
#extension GL_EXT_control_flow_attributes : require

// RMSNorm over rows: y = x / sqrt(mean(x^2) + eps) * weight, rounded as the CPU backend (CpuKernels.cpp,
// like ggml) rounds it: squares rounded to float and summed in double (here a float pair, which
// rounds to the same float except in ties too rare to matter), the mean rounded to float, the
// scale 1 / sqrt(mean + eps) correctly rounded, then (x · scale) · weight. One workgroup per row;
// the row may be any length (each invocation strides over it). x and y may be the same buffer.

// The workgroup size is specialization constant 0. Give the default here only: a separate
// `constant_id = 0` constant would get its own default and disagree with the real size.
layout(local_size_x_id = 0, local_size_x = 128) in;

layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint columns;
    float eps;
};

// 0 (rows are shorter than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"

shared vec2 partialSums[gl_WorkGroupSize.x];

void main()
{
    const uint lane = gl_LocalInvocationIndex;
    const uint base = gl_WorkGroupID.x * columns;
    vec2 sum = vec2(0.0);
    for (uint i = lane; i < columns; i += gl_WorkGroupSize.x) {
        precise const float square = x[base + i] * x[base + i];
        sum = wideAdd(sum, fence(square));
    }
    partialSums[lane] = sum;
    barrier();
    for (uint remaining = gl_WorkGroupSize.x; remaining > 1;) {
        const uint upper = (remaining + 1) / 2;
        if (lane < remaining - upper) {
            const vec2 other = partialSums[lane + upper];
            partialSums[lane] = wideAdd(wideAdd(partialSums[lane], other.x), other.y);
        }
        remaining = upper;
        barrier();
    }
    const float mean = wideQuotient(partialSums[0], float(columns));
    const float scale = wideQuotient(vec2(1.0, 0.0), sqrt(add(mean, eps)));
    for (uint i = lane; i < columns; i += gl_WorkGroupSize.x) {
        precise const float scaled = x[base + i] * scale;
        precise const float result = fence(scaled) * weight[i];
        y[base + i] = result;
    }
}
