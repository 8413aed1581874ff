// What the legacy formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0: blocks of 32 that start with their half
// scale d) build on the including file's unitQuants(row, unit, low, high), a unit's integer quants q
// (unsigned for the formats with a minimum): the block's scale, its minimum (a half m at byte 2,
// FORMAT_BLOCK_MINIMUM), and the dequantized unit d * q (+ m). FORMAT_LANE_SUMS: the integer quants
// are what the matmuls multiply, so that they add up like the CPU (matmul_lanes.glsl).
#define BLOCK_ELEMENTS 32
#define FORMAT_LANE_SUMS

float blockScale(uint row, uint block)
{
    return readHalf(row + block * BLOCK_BYTES);
}

// d * q, before any minimum.
void dequantizeUnitWithoutMinimum(uint row, uint unit, out vec4 low, out vec4 high)
{
    unitQuants(row, unit, low, high);
    const float d = blockScale(row, unit >> 2);
    low *= d;
    high *= d;
}

#ifdef FORMAT_BLOCK_MINIMUM
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
#else
#define dequantizeUnit dequantizeUnitWithoutMinimum
#endif
