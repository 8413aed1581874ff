#version 450

// out row r = columns [first, first + out columns) of x row r, one element per invocation.

layout(local_size_x_id = 0, local_size_x = 256) in;

#include "grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Source { float source[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Target { float target[]; };

layout(push_constant) uniform Parameters {
    uint count; // elements of the output
    uint columns; // of the output
    uint sourceColumns;
    uint firstColumn;
};

void main()
{
    const uint i = flatInvocationIndex();
    if (i >= count)
        return;
    const uint row = i / columns;
    target[i] = source[row * sourceColumns + firstColumn + (i - row * columns)];
}
