// Q5_K (176 bytes: as Q4_K with 32 bytes of fifth bits before the nibbles): the fifth bit of
// sub-block s's element l is bit s of qh[l].
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 176

#define FORMAT_K_LANES 1 // lanes of four (matmul_k_lanes.glsl)
#define FORMAT_SUB_BLOCK_MINIMUMS

#include "formats/scale_min_k4.glsl"

void kUnitQuants(KQuantUnit k, out uvec4 low, out uvec4 high)
{
    const uint qh = k.block + 16u + k.e % 32u;
    const uint qs = k.block + 48u + 32u * (k.s / 2u) + k.e % 32u;
    const uint shift = 4u * (k.s % 2u);
    const uvec4 fifthLow = ((uvec4(readU32(qh)) >> (uvec4(0u, 8u, 16u, 24u) + k.s)) & 1u) << 4;
    const uvec4 fifthHigh = ((uvec4(readU32(qh + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + k.s)) & 1u) << 4;
    low = nibblesOf(readU32(qs), shift) | fifthLow;
    high = nibblesOf(readU32(qs + 4u), shift) | fifthHigh;
}

#include "formats/scale_min_units.glsl"
