#version 450

// RMSNorm over rows: y = x / sqrt(mean(x^2) + eps) * weight. One workgroup per row; the row may be
// any length (each invocation strides over it). x and y may be the same buffer.

// The workgroup size is specialization constant 0. Give the default here only: a separate
// `constant_id = 0` constant would get its own default and disagree with the real size.
layout(local_size_x_id = 0, local_size_x = 128) in;

#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint columns;
    float eps;
};

void main()
{
    const uint row = gl_WorkGroupID.x;
    const uint base = row * columns;
    float sumOfSquares = 0.0;
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x)
        sumOfSquares += x[base + i] * x[base + i];
    const float scale = inversesqrt(workgroupSum(sumOfSquares) / float(columns) + eps);
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x)
        y[base + i] = x[base + i] * scale * weight[i];
}
