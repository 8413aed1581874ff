// Q4_1 (20 bytes: half d, half m, 16 bytes of nibbles): d * q + m; nibbles as Q4_0.
#define BLOCK_BYTES 20
#define FORMAT_BLOCK_MINIMUM

void unitQuants(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint part = unit & 3u;
    const uint qs = row + (unit >> 2) * BLOCK_BYTES + 4u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = vec4(nibblesOf(readU32(qs), shift));
    high = vec4(nibblesOf(readU32(qs + 4u), shift));
}

#include "formats/legacy_block.glsl"
