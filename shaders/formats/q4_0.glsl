// Q4_0 (18 bytes: half d, 16 bytes of nibbles): d * (q - 8); units 0, 1 are the low nibbles of
// bytes 0-7 and 8-15, units 2, 3 their high nibbles.
#define BLOCK_BYTES 18

void unitQuants(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint part = unit & 3u;
    const uint qs = row + (unit >> 2) * BLOCK_BYTES + 2u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = vec4(ivec4(nibblesOf(readU32(qs), shift)) - 8);
    high = vec4(ivec4(nibblesOf(readU32(qs + 4u), shift)) - 8);
}

#include "formats/legacy_block.glsl"
