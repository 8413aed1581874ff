// Q5_1 (24 bytes: half d, half m, 4 bytes of fifth bits, 16 bytes of nibbles): d * q + m; bits as Q5_0.
#define BLOCK_ELEMENTS 32
#define BLOCK_BYTES 24
#define FORMAT_BLOCK_MINIMUM

uvec4 fifthBits(uint bits, uint first)
{
    return ((uvec4(bits >> first) >> uvec4(0u, 1u, 2u, 3u)) & 1u) << 4;
}

// d * q alone: the matmul shaders add the minimum per block (matmul_input.glsl).
void dequantizeUnitWithoutMinimum(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 2) * BLOCK_BYTES;
    const uint part = unit & 3u;
    const float d = readHalf(block);
    const uint qh = readU32(block + 4u);
    const uint qs = block + 8u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = vec4(nibblesOf(readU32(qs), shift) | fifthBits(qh, 8u * part)) * d;
    high = vec4(nibblesOf(readU32(qs + 4u), shift) | fifthBits(qh, 8u * part + 4u)) * d;
}

#include "formats/block_minimum.glsl"
