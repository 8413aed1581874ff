// Q6_K (210 bytes: 128 bytes of low nibbles, 64 bytes of top two bits, 16 signed scales, half d),
// 16 sub-blocks of 16: d * scale * (q - 32). In each half h of 128 elements, group g of 32 (element l):
// low nibble from ql[64h + 32 * (g & 1) + l] (g < 2: low, else high nibble), top bits from
// qh[32h + l] >> (2g).
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 210

#define FORMAT_K_LANES 1 // lanes of four (matmul_k_lanes.glsl)
#define FORMAT_LANE_OFFSETS

// A unit's unsigned quants (0 .. 63), its sub-block's signed scale and the block's d.
void q6Unit(uint row, uint unit, out ivec4 q0, out ivec4 q1, out int packedScale, out float d)
{
    const uint block = row + (unit >> 5) * BLOCK_BYTES;
    const uint e = 8u * (unit & 31u);
    const uint half_ = e / 128u;
    const uint group = e % 128u / 32u;
    packedScale = int(readU8(block + 192u + e / 16u) << 24) >> 24;
    d = readHalf(block + 208u);
    const uint ql = block + 64u * half_ + 32u * (group & 1u) + e % 32u;
    const uint qh = block + 128u + 32u * half_ + e % 32u;
    const uint lowShift = group < 2u ? 0u : 4u;
    const uint highShift = 2u * group;
    q0 = ivec4(nibblesOf(readU32(ql), lowShift) | (((uvec4(readU32(qh)) >> (uvec4(0u, 8u, 16u, 24u) + highShift)) & 3u) << 4));
    q1 = ivec4(nibblesOf(readU32(ql + 4u), lowShift) | (((uvec4(readU32(qh + 4u)) >> (uvec4(0u, 8u, 16u, 24u) + highShift)) & 3u) << 4));
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    ivec4 q0, q1;
    int packedScale;
    float d;
    q6Unit(row, unit, q0, q1, packedScale, d);
    const float scale = d * float(packedScale);
    low = scale * vec4(q0 - 32);
    high = scale * vec4(q1 - 32);
}

// q * scale with the unsigned q, the integers the CPU multiplies (the offset 32 comes off per lane).
void unitIntegers(uint row, uint unit, out vec4 low, out vec4 high)
{
    ivec4 q0, q1;
    int packedScale;
    float d;
    q6Unit(row, unit, q0, q1, packedScale, d);
    low = vec4(q0 * packedScale);
    high = vec4(q1 * packedScale);
}

// The signed scale of sub-block s (16 elements).
float subBlockScale(uint row, uint block, uint s)
{
    return float(int(readU8(row + block * BLOCK_BYTES + 192u + s) << 24) >> 24);
}

float blockScale(uint row, uint block)
{
    return readHalf(row + block * BLOCK_BYTES + 208u);
}
