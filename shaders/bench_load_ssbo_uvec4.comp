#version 450
// Weight words as a storage buffer of uvec4: one 16-byte load per lane.
layout(std430, set = 0, binding = 0) restrict readonly buffer Weight { uvec4 words[]; };
#define LOAD_WORDS 4
uvec4 loadWords(uint index) { return words[index]; }
#include "bench_load.glsl"
