#version 450

// LayerNorm over rows: y = (x - mean) / sqrt(variance + eps) * gain + bias. The variance is summed
// around the mean in a later pass, as the CPU backend does, not as E[x^2] - mean^2, which cancels
// badly for rows far from zero. One workgroup per row; x and y may be the same buffer.

// The workgroup size is specialization constant 0 (see rms_norm.comp).
layout(local_size_x_id = 0, local_size_x = 128) in;

#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Gain { float gain[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint columns;
    float eps;
};

void main()
{
    const uint base = gl_WorkGroupID.x * columns;
    float sum = 0.0;
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x)
        sum += x[base + i];
    const float rough = workgroupSum(sum) / float(columns);
    // The CPU sums in double. A float sum of a row far from zero is off by many of its ulps, and
    // x - mean would carry that error; the deviations from the rough mean are small, so their sum
    // corrects it to (nearly always) the CPU's mean.
    float deviations = 0.0;
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x)
        deviations += x[base + i] - rough;
    const float mean = rough + workgroupSum(deviations) / float(columns);
    float sumOfSquares = 0.0;
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x) {
        const float centered = x[base + i] - mean;
        sumOfSquares += centered * centered;
    }
    const float scale = inversesqrt(workgroupSum(sumOfSquares) / float(columns) + eps);
    for (uint i = gl_LocalInvocationIndex; i < columns; i += gl_WorkGroupSize.x)
        y[base + i] = (x[base + i] - mean) * scale * gain[i] + bias[i];
}
