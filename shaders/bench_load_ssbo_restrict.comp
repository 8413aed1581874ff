#version 450
// As bench_load_ssbo_uint, declared restrict.
layout(std430, set = 0, binding = 0) restrict readonly buffer Weight { uint words[]; };
#define LOAD_WORDS 1
uint loadWord(uint index) { return words[index]; }
#include "bench_load.glsl"
