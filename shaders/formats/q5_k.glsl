// Q5_K (176 bytes: as Q4_K with 32 bytes of fifth bits before the nibbles): the fifth bit of
// sub-block s's element l is bit s of qh[l].
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 176

#define FORMAT_K_LANES 1 // lanes of four (matmul_k_lanes.glsl)
#define FORMAT_SUB_BLOCK_MINIMUMS

#include "formats/scale_min_k4.glsl"

void q5Quants(KQuantUnit k, out uvec4 low, out uvec4 high)
{
    const uint qh = k.block + 16u + k.e % 32u;
    const uint qs = k.block + 48u + 32u * (k.s / 2u) + k.e % 32u;
    const uint shift = 4u * (k.s % 2u);
    const uvec4 fifthLow = ((uvec4(readU32(qh)) >> (uvec4(0u, 8u, 16u, 24u) + k.s)) & 1u) << 4;
    const uvec4 fifthHigh = ((uvec4(readU32(qh + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + k.s)) & 1u) << 4;
    low = nibblesOf(readU32(qs), shift) | fifthLow;
    high = nibblesOf(readU32(qs + 4u), shift) | fifthHigh;
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    q5Quants(k, q0, q1);
    low = k.scale * vec4(q0) - k.minimum;
    high = k.scale * vec4(q1) - k.minimum;
}

// scale * q, the integers the CPU multiplies.
void unitIntegers(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    q5Quants(k, q0, q1);
    low = vec4(q0 * k.scaleMin.x);
    high = vec4(q1 * k.scaleMin.x);
}
