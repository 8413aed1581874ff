#version 450
// Weight words as a storage buffer of uint (what matmul_vector does today).
layout(std430, set = 0, binding = 0) readonly buffer Weight { uint words[]; };
#define LOAD_WORDS 1
uint loadWord(uint index) { return words[index]; }
#include "bench_load.glsl"
