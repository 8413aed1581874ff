// BF16: the top half of an F32.
#define BLOCK_ELEMENTS 1
#define BLOCK_BYTES 2
#define FORMAT_ANY_LENGTH

float dequantizeElement(uint row, uint element)
{
    return uintBitsToFloat(readU16(row + 2u * element) << 16);
}

vec2 bf16Pair(uint pair)
{
    return uintBitsToFloat(uvec2(pair << 16, pair & 0xffff0000u));
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint at = row + 16u * unit;
    low = vec4(bf16Pair(readU32(at)), bf16Pair(readU32(at + 4u)));
    high = vec4(bf16Pair(readU32(at + 8u)), bf16Pair(readU32(at + 12u)));
}
