// Q4_K (144 bytes: half d, half dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles),
// 8 sub-blocks of 32: d * scale * q - dmin * min; sub-blocks 2c and 2c + 1 are the low and high
// nibbles of bytes 32c .. 32c + 31.
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 144

#define FORMAT_K_LANES 2 // sums of its own (matmul_k_lanes.glsl)
#define FORMAT_SUB_BLOCK_MINIMUMS

#include "formats/scale_min_k4.glsl"

void q4Nibbles(KQuantUnit k, out uvec4 low, out uvec4 high)
{
    const uint qs = k.block + 16u + 32u * (k.s / 2u) + k.e % 32u;
    const uint shift = 4u * (k.s % 2u);
    low = nibblesOf(readU32(qs), shift);
    high = nibblesOf(readU32(qs + 4u), shift);
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    q4Nibbles(k, q0, q1);
    low = k.scale * vec4(q0) - k.minimum;
    high = k.scale * vec4(q1) - k.minimum;
}

// scale * q, the integers the CPU multiplies.
void unitIntegers(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    q4Nibbles(k, q0, q1);
    low = vec4(q0 * k.scaleMin.x);
    high = vec4(q1 * k.scaleMin.x);
}
