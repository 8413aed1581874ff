#version 450

// Combines the split results of attention.comp (PARTIAL): each split s of a (row, head) left the sums
// Σ exp(score - max_s) · value, its max_s and Σ exp(score - max_s). Rescaled to the overall max M
// they add up: out = Σ_s sums_s · exp(max_s - M) / Σ_s sum_s · exp(max_s - M).
// One invocation per output element; item = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x.

layout(local_size_x_id = 0, local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint count; // rows × heads × headDim
    uint headDim;
    uint splits;
};

#define NEGATIVE_INFINITY uintBitsToFloat(0xff800000u)

void main()
{
    const uint e = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + gl_LocalInvocationIndex;
    if (e >= count)
        return;
    const uint stride = headDim + 2;
    const uint first = e / headDim * splits * stride;
    float overallMax = NEGATIVE_INFINITY;
    for (uint s = 0; s < splits; ++s)
        overallMax = max(overallMax, partials[first + s * stride + headDim]);
    float sum = 0.0, weighted = 0.0;
    for (uint s = 0; s < splits; ++s) {
        const uint at = first + s * stride;
        const float splitMax = partials[at + headDim];
        // A split that saw no visible row has max -inf and contributes nothing.
        const float factor = splitMax == NEGATIVE_INFINITY ? 0.0 : exp(splitMax - overallMax);
        sum += partials[at + headDim + 1] * factor;
        weighted += partials[at + e % headDim] * factor;
    }
    y[e] = sum > 0.0 ? weighted / sum : 0.0;
}
