// Q3_K (110 bytes: 32 bytes of third bits, 64 bytes of 2-bit values, 12 bytes of 6-bit scales, half d),
// 16 sub-blocks of 16: d * (scale - 32) * q with q = low two bits as Q2_K, minus 4 unless element e's
// bit e / 32 in hmask[e % 32] is set. See quant/KQuantScales.h for the scale packing.
#define BLOCK_ELEMENTS 256
#define BLOCK_BYTES 110

#define FORMAT_K_LANES 1 // lanes of four (matmul_k_lanes.glsl)

// A unit's signed quants and its sub-block's signed integer scale.
void q3Unit(uint row, uint unit, out ivec4 q0, out ivec4 q1, out int scale)
{
    const uint block = row + (unit >> 5) * BLOCK_BYTES;
    const uint e = 8u * (unit & 31u);
    const uint s = e / 16u;
    const uint scales = block + 96u;
    const uint lowBits = s < 8u ? readU8(scales + s) & 0xfu : readU8(scales + s - 8u) >> 4;
    const uint highBits = (readU8(scales + 8u + s % 4u) >> (2u * (s / 4u))) & 3u;
    scale = int(lowBits | (highBits << 4)) - 32;
    const uint qs = block + 32u + 32u * (e / 128u) + e % 32u;
    const uint shift = 2u * (e % 128u / 32u);
    const uint hm = block + e % 32u;
    const uint bit = e / 32u;
    for (uint half_ = 0u; half_ < 2u; ++half_) {
        const ivec4 q = ivec4((uvec4(readU32(qs + 4u * half_)) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 3u);
        const ivec4 subtract = ivec4(((uvec4(readU32(hm + 4u * half_)) >> (uvec4(0u, 8u, 16u, 24u) + bit)) & 1u) ^ 1u) * 4;
        if (half_ == 0u)
            q0 = q - subtract;
        else
            q1 = q - subtract;
    }
}

float blockScale(uint row, uint block)
{
    return readHalf(row + block * BLOCK_BYTES + 108u);
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    ivec4 q0, q1;
    int scale;
    q3Unit(row, unit, q0, q1, scale);
    const float dScale = blockScale(row, unit >> 5) * float(scale);
    low = dScale * vec4(q0);
    high = dScale * vec4(q1);
}

// q * scale, the integers the CPU multiplies.
void unitIntegers(uint row, uint unit, out vec4 low, out vec4 high)
{
    ivec4 q0, q1;
    int scale;
    q3Unit(row, unit, q0, q1, scale);
    low = vec4(q0 * scale);
    high = vec4(q1 * scale);
}
