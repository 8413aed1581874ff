// Q4_1 (20 bytes: half d, half m, 16 bytes of nibbles): d * q + m; nibbles as Q4_0.
#define BLOCK_ELEMENTS 32
#define BLOCK_BYTES 20
#define FORMAT_BLOCK_MINIMUM

// d * q alone: the matmul shaders add the minimum per block (matmul_input.glsl).
void dequantizeUnitWithoutMinimum(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 2) * BLOCK_BYTES;
    const uint part = unit & 3u;
    const float d = readHalf(block);
    const uint qs = block + 4u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = vec4(nibblesOf(readU32(qs), shift)) * d;
    high = vec4(nibblesOf(readU32(qs + 4u), shift)) * d;
}

#include "formats/block_minimum.glsl"
