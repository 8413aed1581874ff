#version 450
// Weight words as a storage texel buffer (R32_UINT view).
layout(set = 0, binding = 0, r32ui) uniform readonly restrict uimageBuffer weight;
#define LOAD_WORDS 1
uint loadWord(uint index) { return imageLoad(weight, int(index)).x; }
#include "bench_load.glsl"
