#version 450
// Weight words as a uniform texel buffer (R32_UINT view).
layout(set = 0, binding = 0) uniform usamplerBuffer weight;
#define LOAD_WORDS 1
uint loadWord(uint index) { return texelFetch(weight, int(index)).x; }
#include "bench_load.glsl"
