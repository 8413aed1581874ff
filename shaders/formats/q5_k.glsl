// Q5_K (176 bytes: as Q4_K with 32 bytes of fifth bits before the nibbles): the fifth bit of
// sub-block s's element l is bit s of qh[l].
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 176

#include "formats/scale_min_k4.glsl"

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 5) * BLOCK_BYTES;
    const uint e = 8u * (unit & 31u);
    const uint s = e / 32u;
    const vec2 dm = unpackHalf2x16(readU32(block));
    const uvec2 sm = scaleMinK4(block + 4u, s);
    const float scale = dm.x * float(sm.x);
    const float minimum = dm.y * float(sm.y);
    const uint qh = block + 16u + e % 32u;
    const uint qs = block + 48u + 32u * (s / 2u) + e % 32u;
    const uint shift = 4u * (s % 2u);
    const uvec4 fifthLow = ((uvec4(readU32(qh)) >> (uvec4(0u, 8u, 16u, 24u) + s)) & 1u) << 4;
    const uvec4 fifthHigh = ((uvec4(readU32(qh + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + s)) & 1u) << 4;
    low = scale * vec4(nibblesOf(readU32(qs), shift) | fifthLow) - minimum;
    high = scale * vec4(nibblesOf(readU32(qs + 4u), shift) | fifthHigh) - minimum;
}
