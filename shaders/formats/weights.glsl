// The weight binding (set 0, binding 0) and weightWord(index), the 32-bit word `index` of it, which
// the format reads (bytes.glsl) go through. Three ways to read it, chosen per shader:
// - a storage buffer of uint (the default; what GPUs read fastest);
// - WEIGHT_TEXELS: a storage texel buffer of rgba32ui, for CPU drivers (lavapipe). There each
//   invocation is a SIMD lane and a storage buffer load at a lane-varying address becomes one
//   scalar load per lane and word, while an image load fetches a lane's 16 bytes at once: streaming
//   weights is several times faster (tests/bench/VulkanLoadBench.cpp);
// - WEIGHT_CHUNKS: the texel buffer too, but loaded a chunk of whole blocks at a time, every texel
//   once, into chunkWords (matmul_chunk.glsl); weightWord(index) is then word `index` from the chunk's
//   start, which the shader's unrolled loops turn into a register.

#if defined(WEIGHT_CHUNKS)
layout(set = 0, binding = 0, rgba32ui) uniform restrict readonly uimageBuffer weightTexels;

// Enough for the largest chunk (matmul_chunk.glsl); the words a format never reads cost nothing.
#define CHUNK_MAX_WORDS 64
uint chunkWords[CHUNK_MAX_WORDS];

uint weightWord(uint index)
{
    return chunkWords[index];
}
#elif defined(WEIGHT_TEXELS)
layout(set = 0, binding = 0, rgba32ui) uniform restrict readonly uimageBuffer weightTexels;

uint weightWord(uint index)
{
    return imageLoad(weightTexels, int(index >> 2))[index & 3u];
}
#else
layout(std430, set = 0, binding = 0) readonly buffer Weight { uint words[]; };

uint weightWord(uint index)
{
    return words[index];
}
#endif
