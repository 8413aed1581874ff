// Q5_0 (22 bytes: half d, 4 bytes of fifth bits, 16 bytes of nibbles): d * (q - 16); element e's
// fifth bit is bit e of the 32-bit qh.
#define BLOCK_ELEMENTS 32
#define BLOCK_BYTES 22

// Bits first .. first + 3 of bits, each as 0 or 16.
uvec4 fifthBits(uint bits, uint first)
{
    return ((uvec4(bits >> first) >> uvec4(0u, 1u, 2u, 3u)) & 1u) << 4;
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 2) * BLOCK_BYTES;
    const uint part = unit & 3u;
    const float d = readHalf(block);
    const uint qh = readU32(block + 2u);
    const uint qs = block + 6u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = vec4(ivec4(nibblesOf(readU32(qs), shift) | fifthBits(qh, 8u * part)) - 16) * d;
    high = vec4(ivec4(nibblesOf(readU32(qs + 4u), shift) | fifthBits(qh, 8u * part + 4u)) - 16) * d;
}
