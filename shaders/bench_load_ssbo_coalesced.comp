#version 450
// Storage buffer of uint; the lanes of a subgroup read consecutive words of one row, then add.
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(std430, set = 0, binding = 0) restrict readonly buffer Weight { uint words[]; };
#define LOAD_WORDS 1
#define COALESCED
uint loadWord(uint index) { return words[index]; }
#include "bench_load.glsl"
