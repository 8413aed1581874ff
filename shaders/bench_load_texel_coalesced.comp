#version 450
// Uniform texel buffer (R32_UINT); the lanes of a subgroup read consecutive words of one row, then add.
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(set = 0, binding = 0) uniform usamplerBuffer weight;
#define LOAD_WORDS 1
#define COALESCED
uint loadWord(uint index) { return texelFetch(weight, int(index)).x; }
#include "bench_load.glsl"
