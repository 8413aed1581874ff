// Q5_1 (24 bytes: half d, half m, 4 bytes of fifth bits, 16 bytes of nibbles): d * q + m.
#define BLOCK_BYTES 24
#define FORMAT_BLOCK_MINIMUM

#include "formats/fifth_bits.glsl"

void unitQuants(uint row, uint unit, out vec4 low, out vec4 high)
{
    uvec4 q0, q1;
    fiveBitQuants(row, unit, 4u, q0, q1);
    low = vec4(q0);
    high = vec4(q1);
}

#include "formats/legacy_block.glsl"
