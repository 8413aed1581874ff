#version 450
// Weight words as a uniform texel buffer (R32G32B32A32_UINT view): 16 bytes per fetch.
layout(set = 0, binding = 0) uniform usamplerBuffer weight;
#define LOAD_WORDS 4
uvec4 loadWords(uint index) { return texelFetch(weight, int(index)); }
#include "bench_load.glsl"
