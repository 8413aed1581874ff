// Q6_K (210 bytes: 128 bytes of low nibbles, 64 bytes of top two bits, 16 signed scales, half d),
// 16 sub-blocks of 16: d * scale * (q - 32). In each half h of 128 elements, group g of 32 (element l):
// low nibble from ql[64h + 32 * (g & 1) + l] (g < 2: low, else high nibble), top bits from
// qh[32h + l] >> (2g).
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 210

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint block = row + (unit >> 5) * BLOCK_BYTES;
    const uint e = 8u * (unit & 31u);
    const uint half_ = e / 128u;
    const uint group = e % 128u / 32u;
    const int packedScale = int(readU8(block + 192u + e / 16u) << 24) >> 24;
    const float scale = readHalf(block + 208u) * float(packedScale);
    const uint ql = block + 64u * half_ + 32u * (group & 1u) + e % 32u;
    const uint qh = block + 128u + 32u * half_ + e % 32u;
    const uint lowShift = group < 2u ? 0u : 4u;
    const uint highShift = 2u * group;
    const ivec4 q0 = ivec4(nibblesOf(readU32(ql), lowShift) | (((uvec4(readU32(qh)) >> (uvec4(0u, 8u, 16u, 24u) + highShift)) & 3u) << 4));
    const ivec4 q1 = ivec4(nibblesOf(readU32(ql + 4u), lowShift) | (((uvec4(readU32(qh + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + highShift)) & 3u) << 4));
    low = scale * vec4(q0 - 32);
    high = scale * vec4(q1 - 32);
}
