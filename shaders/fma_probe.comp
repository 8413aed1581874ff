#version 450

// fma() on the device, for FmaProbe: whether it rounds once, as a fused multiply-add must. One
// operand triple per invocation, written as the shaders that depend on it write theirs.

layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Operands { vec4 operands[]; }; // a, b, c, unused
layout(std430, set = 0, binding = 1) writeonly buffer Results { float results[]; };

layout(push_constant) uniform Parameters {
    uint count;
};

void main()
{
    const uint i = gl_GlobalInvocationID.x;
    if (i < count) {
        precise const float result = fma(operands[i].x, operands[i].y, operands[i].z);
        results[i] = result;
    }
}
