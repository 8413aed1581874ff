// F16: IEEE halves; a row may start at an odd half (rows of an odd number of elements).
#define BLOCK_ELEMENTS 1
#define BLOCK_BYTES 2
#define FORMAT_ANY_LENGTH

float dequantizeElement(uint row, uint element)
{
    return readHalf(row + 2u * element);
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const uint at = row + 16u * unit;
    low = vec4(unpackHalf2x16(readU32(at)), unpackHalf2x16(readU32(at + 4u)));
    high = vec4(unpackHalf2x16(readU32(at + 8u)), unpackHalf2x16(readU32(at + 12u)));
}
