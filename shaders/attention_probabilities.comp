#version 450
#extension GL_EXT_control_flow_attributes : require

// The softmax probabilities of selected query heads, for inspection (AttentionProbabilities): row
// i * captured + j of the output holds query row i's probabilities for head heads[j] over cache rows
// 0 .. columns - 1, zero where masked. Same scores as attention.comp, normalized the plain way (max,
// exps, sum) in the output row itself. One workgroup per output row; each invocation owns the
// columns lane, lane + size, ..., so it reads back only what it wrote itself.

layout(local_size_x_id = 0, local_size_x = 64) in;
layout(constant_id = 1) const uint KEY_FORMAT = 0; // attention.glsl
const uint VALUE_FORMAT = 0; // values are not read here

layout(std430, set = 0, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, set = 0, binding = 1) readonly buffer Keys { uvec4 keyQuads[]; };
// The query rows' positions, then the captured heads.
layout(std430, set = 0, binding = 2) readonly buffer HostData { uint hostData[]; };
layout(std430, set = 0, binding = 3) buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint rows;
    uint heads;
    uint kvHeads;
    uint headDim;
    uint cacheRows;
    uint window;
    float scale;
    float softcap;
    uint causal;
    uint captured; // heads captured per row
    uint columns; // of the output
    float queryScale; // see queryElement()
};

#include "attention.glsl"

shared float partials[gl_WorkGroupSize.x];

// op 0: max, 1: sum, over the workgroup (every invocation must call it).
float workgroupReduce(float value, uint op)
{
    const uint lane = gl_LocalInvocationIndex;
    partials[lane] = value;
    barrier();
    for (uint remaining = gl_WorkGroupSize.x; remaining > 1;) {
        const uint upper = (remaining + 1) / 2;
        if (lane < remaining - upper)
            partials[lane] = op == 0 ? max(partials[lane], partials[lane + upper]) : partials[lane] + partials[lane + upper];
        remaining = upper;
        barrier();
    }
    const float total = partials[0];
    barrier();
    return total;
}

void main()
{
    const uint outRow = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (outRow >= rows * captured)
        return; // uniform per workgroup: no barrier is skipped by part of it
    const uint row = outRow / captured;
    const uint head = hostData[rows + outRow % captured];
    const uvec2 visible = visibleRows(hostData[row], causal != 0, window, cacheRows);
    const uint queryAt = (row * heads + head) * headDim;
    const uint keyAt = head / (heads / kvHeads) * headDim;
    const uint cacheCols = kvHeads * headDim;
    const uint at = outRow * columns;
    const uint lane = gl_LocalInvocationIndex;

    float localMax = NEGATIVE_INFINITY;
    for (uint t = lane; t < columns; t += gl_WorkGroupSize.x) {
        float score = 0.0;
        if (t >= visible.x && t < visible.y) {
            float dot = 0.0;
            for (uint d = 0; d < headDim; ++d)
                dot = fma(queryElement(q[queryAt + d], queryScale), keyElement(t * cacheCols + keyAt + d), dot);
            score = attentionScore(dot, scale, softcap);
            localMax = max(localMax, score);
        }
        y[at + t] = score;
    }
    const float rowMax = workgroupReduce(localMax, 0);
    float localSum = 0.0;
    for (uint t = lane; t < columns; t += gl_WorkGroupSize.x) {
        if (t >= visible.x && t < visible.y) {
            const float p = exp(y[at + t] - rowMax);
            y[at + t] = p;
            localSum += p;
        }
    }
    const float inverse = 1.0 / workgroupReduce(localSum, 1);
    for (uint t = lane; t < columns; t += gl_WorkGroupSize.x)
        if (t >= visible.x && t < visible.y)
            y[at + t] *= inverse;
}
