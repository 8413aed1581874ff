// Q2_K (84 bytes: 16 scale bytes, 64 bytes of 2-bit values, half d, half dmin), 16 sub-blocks of 16:
// d * (scale & 15) * q - dmin * (scale >> 4). Element e's bits: qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32)).
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 84

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 5) * BLOCK_BYTES;
    const uint e = 8u * (unit & 31u);
    const vec2 dm = unpackHalf2x16(readU32(block + 80u));
    const uint packed = readU8(block + e / 16u);
    const float scale = dm.x * float(packed & 0xfu);
    const float minimum = dm.y * float(packed >> 4);
    const uint qs = block + 16u + 32u * (e / 128u) + e % 32u;
    const uint shift = 2u * (e % 128u / 32u);
    low = scale * vec4((uvec4(readU32(qs)) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 3u) - minimum;
    high = scale * vec4((uvec4(readU32(qs + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 3u) - minimum;
}
