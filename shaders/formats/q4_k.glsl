// Q4_K (144 bytes: half d, half dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles),
// 8 sub-blocks of 32: d * scale * q - dmin * min; sub-blocks 2c and 2c + 1 are the low and high
// nibbles of bytes 32c .. 32c + 31.
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 144

#define FORMAT_K_LANES 2 // sums of its own (matmul_k_lanes.glsl)
#define FORMAT_SUB_BLOCK_MINIMUMS

#include "formats/scale_min_k4.glsl"

void kUnitQuants(KQuantUnit k, out uvec4 low, out uvec4 high)
{
    const uint qs = k.block + 16u + 32u * (k.s / 2u) + k.e % 32u;
    const uint shift = 4u * (k.s % 2u);
    low = nibblesOf(readU32(qs), shift);
    high = nibblesOf(readU32(qs + 4u), shift);
}

#include "formats/scale_min_units.glsl"
