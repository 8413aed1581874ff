// Q8_0 (34 bytes: half d, 32 signed bytes): d * q.
#define BLOCK_BYTES 34

void unitQuants(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint qs = row + (unit >> 2) * BLOCK_BYTES + 2u + 8u * (unit & 3u);
    low = vec4(signedBytesOf(readU32(qs)));
    high = vec4(signedBytesOf(readU32(qs + 4u)));
}

#include "formats/legacy_block.glsl"
