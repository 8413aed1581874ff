// F32: plain floats.
#define BLOCK_ELEMENTS 1
#define BLOCK_BYTES 4
#define FORMAT_ANY_LENGTH

float dequantizeElement(uint row, uint element)
{
    return uintBitsToFloat(weightWord((row >> 2) + element));
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint index = (row >> 2) + 8u * unit;
    low = uintBitsToFloat(uvec4(weightWord(index), weightWord(index + 1u), weightWord(index + 2u), weightWord(index + 3u)));
    high = uintBitsToFloat(uvec4(weightWord(index + 4u), weightWord(index + 5u), weightWord(index + 6u), weightWord(index + 7u)));
}
