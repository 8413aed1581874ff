// Q8_0 (34 bytes: half d, 32 signed bytes): d * q.
#define BLOCK_ELEMENTS 32
#define BLOCK_BYTES 34

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 2) * BLOCK_BYTES;
    const float d = readHalf(block);
    const uint qs = block + 2u + 8u * (unit & 3u);
    low = vec4(signedBytesOf(readU32(qs))) * d;
    high = vec4(signedBytesOf(readU32(qs + 4u))) * d;
}
