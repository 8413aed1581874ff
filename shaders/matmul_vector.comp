#version 450
#extension GL_EXT_control_flow_attributes : require

// Decode matmul on GPUs (few x rows) for the float types and Q2_K: memory-bound, so each weight byte
// is read once per token and the work is spread over all invocations. A workgroup computes ROWS
// consecutive output columns of one token (gl_WorkGroupID.z); its invocations stride over the row in
// units of 8 elements, reusing each x unit for all ROWS weight rows, then sum across the workgroup.

layout(local_size_x_id = 0, local_size_x = 32) in;
layout(constant_id = 1) const uint ROWS = 2;

#include "reduce.glsl"

#include "formats/weights.glsl"
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };

#include "formats/format.glsl"
#include "matmul_push.glsl"
#include "matmul_input.glsl"
#include "matmul_output.glsl"

void main()
{
    const uint firstRow = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * ROWS;
    if (firstRow >= weightRows) // whole workgroups only, so the barriers below stay uniform
        return;
    const uint token = gl_WorkGroupID.z;
    const uint xBase = (firstToken + token) * xStride;
    // Rows past the end repeat the last one and are not written: no branch in the hot loop.
    uint rows[ROWS];
    float sums[ROWS];
    for (uint r = 0u; r < ROWS; ++r) {
        rows[r] = min(firstRow + r, weightRows - 1u) * rowBytes;
        sums[r] = 0.0;
    }
    const uint units = columns / 8u;
    for (uint unit = gl_LocalInvocationIndex; unit < units; unit += gl_WorkGroupSize.x) {
        const uint at = xBase + 8u * unit;
        const vec4 xLow = vec4(x[at], x[at + 1u], x[at + 2u], x[at + 3u]);
        const vec4 xHigh = vec4(x[at + 4u], x[at + 5u], x[at + 6u], x[at + 7u]);
        for (uint r = 0u; r < ROWS; ++r) {
            vec4 low, high;
            dequantizeUnit(rows[r], unit, low, high);
            sums[r] += dot(low, xLow) + dot(high, xHigh);
        }
    }
#ifdef FORMAT_ANY_LENGTH
    for (uint element = units * 8u + gl_LocalInvocationIndex; element < columns; element += gl_WorkGroupSize.x)
        for (uint r = 0u; r < ROWS; ++r)
            sums[r] += dequantizeElement(rows[r], element) * x[xBase + element];
#endif
    for (uint r = 0u; r < ROWS; ++r) {
        const float total = workgroupSum(sums[r]);
        if (gl_LocalInvocationIndex == 0u && firstRow + r < weightRows)
            writeOutput(token, firstWeightRow + firstRow + r, total);
    }
}
