// Q5_0 (22 bytes: half d, 4 bytes of fifth bits, 16 bytes of nibbles): d * (q - 16).
#define BLOCK_BYTES 22

#include "formats/fifth_bits.glsl"

void unitQuants(uint row, uint unit, out vec4 low, out vec4 high)
{
    uvec4 q0, q1;
    fiveBitQuants(row, unit, 2u, q0, q1);
    low = vec4(ivec4(q0) - 16);
    high = vec4(ivec4(q1) - 16);
}

#include "formats/legacy_block.glsl"
