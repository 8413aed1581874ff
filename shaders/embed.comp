#version 450

// Embedding lookup: output row i = dequantized table row tokens[i]. One workgroup per token; a table
// larger than one binding is bound window by window, and each dispatch fills only the tokens whose
// rows lie in its window.

layout(local_size_x_id = 0, local_size_x = 64) in;

#include "formats/weights.glsl"
layout(std430, set = 0, binding = 1) readonly buffer Tokens { int tokenIds[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Output { float y[]; };

#include "formats/format.glsl"

layout(push_constant) uniform Parameters {
    uint columns;
    uint rowBytes;
    uint firstRow; // of this window
    uint rows; // in this window
    uint count; // tokens
};

void main()
{
    const uint index = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (index >= count)
        return;
    // Ids were checked on the host; those of other windows wrap around to large values here.
    const uint row = uint(tokenIds[index]) - firstRow;
    if (row >= rows)
        return;
    const uint rowStart = row * rowBytes;
    const uint out_ = index * columns;
    const uint units = columns / 8u;
    for (uint unit = gl_LocalInvocationIndex; unit < units; unit += gl_WorkGroupSize.x) {
        vec4 low, high;
        dequantizeUnit(rowStart, unit, low, high);
        for (uint i = 0u; i < 4u; ++i) {
            y[out_ + 8u * unit + i] = low[i];
            y[out_ + 8u * unit + 4u + i] = high[i];
        }
    }
#ifdef FORMAT_ANY_LENGTH
    for (uint element = units * 8u + gl_LocalInvocationIndex; element < columns; element += gl_WorkGroupSize.x)
        y[out_ + element] = dequantizeElement(rowStart, element);
#endif
}
