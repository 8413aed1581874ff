// The rest of a legacy format with a minimum per block (Q4_1, Q5_1: half d, then half m at byte 2):
// the minimum, and the whole unit d * q + m from the including file's dequantizeUnitWithoutMinimum.
float blockMinimum(uint row, uint block)
{
    return readHalf(row + block * BLOCK_BYTES + 2u);
}

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    dequantizeUnitWithoutMinimum(row, unit, low, high);
    const float m = blockMinimum(row, unit >> 2);
    low += m;
    high += m;
}
