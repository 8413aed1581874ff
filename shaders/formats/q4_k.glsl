// Q4_K (144 bytes: half d, half dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles),
// 8 sub-blocks of 32: d * scale * q - dmin * min; sub-blocks 2c and 2c + 1 are the low and high
// nibbles of bytes 32c .. 32c + 31.
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 144

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
    const uint qs = block + 16u + 32u * (s / 2u) + e % 32u;
    const uint shift = 4u * (s % 2u);
    low = scale * vec4(nibblesOf(readU32(qs), shift)) - minimum;
    high = scale * vec4(nibblesOf(readU32(qs + 4u), shift)) - minimum;
}
