// Workgroup-wide sum over a one-dimensional workgroup. Every invocation must call it (it has barriers)
// and every invocation gets the total. Subgroup arithmetic first where the device has it
// (GLASSBOX_NO_SUBGROUPS builds the shared-memory-only variant). Any workgroup size works, not just
// powers of two.

#ifndef GLASSBOX_NO_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

shared float reducePartials[gl_WorkGroupSize.x];
shared float reduceTotal;

float workgroupSum(float value)
{
#ifndef GLASSBOX_NO_SUBGROUPS
    const float subgroupTotal = subgroupAdd(value);
    if (subgroupElect())
        reducePartials[gl_SubgroupID] = subgroupTotal;
    barrier();
    if (gl_SubgroupID == 0) {
        // Mesa llvmpipe 22 reports floor(size / subgroup size) subgroups when the last one is
        // partial, though that one has an id and wrote its slot: count it ourselves.
        const uint subgroups = max(gl_NumSubgroups, (gl_WorkGroupSize.x + gl_SubgroupSize - 1) / gl_SubgroupSize);
        // More subgroups than lanes happens with small subgroups (e.g. 8 lanes, 1024 invocations).
        float sum = 0.0;
        for (uint i = gl_SubgroupInvocationID; i < subgroups; i += gl_SubgroupSize)
            sum += reducePartials[i];
        sum = subgroupAdd(sum);
        if (subgroupElect())
            reduceTotal = sum;
    }
#else
    const uint id = gl_LocalInvocationIndex;
    reducePartials[id] = value;
    barrier();
    for (uint remaining = gl_WorkGroupSize.x; remaining > 1;) {
        const uint upper = (remaining + 1) / 2;
        if (id < remaining - upper)
            reducePartials[id] += reducePartials[id + upper];
        remaining = upper;
        barrier();
    }
    if (id == 0)
        reduceTotal = reducePartials[0];
#endif
    barrier();
    const float total = reduceTotal;
    barrier(); // a following call may overwrite the partials
    return total;
}
