#version 450
// Weight words as a storage texel buffer (R32G32B32A32_UINT view).
layout(set = 0, binding = 0, rgba32ui) uniform readonly restrict uimageBuffer weight;
#define LOAD_WORDS 4
uvec4 loadWords(uint index) { return imageLoad(weight, int(index)); }
#include "bench_load.glsl"
