// Shared body of the bench_load_* shaders (tests/bench/VulkanLoadBench.cpp): how fast a shader can
// stream a weight buffer with matmul_rows's row-per-invocation pattern (each invocation reads its
// own row; the lanes read different rows at the same offset). The including shader declares the
// weight binding (binding 0) and `uvec4 loadWords(uint index)`, the 4 words from word index*4 on
// (or LOAD_WORDS 1 and `uint loadWord(uint index)`).

layout(local_size_x = 32) in;
layout(std430, set = 0, binding = 1) writeonly buffer Output { uint result[]; };
layout(push_constant) uniform Push {
    uint rowWords; // words per row
    uint rows;
};

void main()
{
    const uint row = gl_GlobalInvocationID.x;
    if (row >= rows)
        return;
    uint sum = 0u;
#ifdef COALESCED
    // The subgroup reads one row at a time, its lanes consecutive words of it.
    const uint lanes = gl_SubgroupSize;
    const uint firstRow = row - gl_SubgroupInvocationID;
    for (uint r = 0u; r < lanes; ++r) {
        uint part = 0u;
        for (uint i = gl_SubgroupInvocationID; i < rowWords; i += lanes)
            part += loadWord((firstRow + r) * rowWords + i);
        const uint total = subgroupAdd(part);
        if (r == gl_SubgroupInvocationID)
            sum = total;
    }
#elif LOAD_WORDS == 1
    const uint base = row * rowWords;
    for (uint i = 0u; i < rowWords; ++i)
        sum += loadWord(base + i);
#else
    const uint base = row * (rowWords / 4u);
    for (uint i = 0u; i < rowWords / 4u; ++i) {
        const uvec4 w = loadWords(base + i);
        sum += w.x + w.y + w.z + w.w;
    }
#endif
    result[row] = sum;
}
