// The 6-bit scale and min of sub-block j (0-7) of Q4_K / Q5_K, packed in 12 bytes at `packed`
// (see unpackScaleMinK4 in quant/KQuantScales.h). One return, no early one: glslc's optimizer
// crashes inlining an early return into matmul_rows.comp's unrolled loops.
uvec2 scaleMinK4(uint packed, uint j)
{
    const uvec2 low = uvec2(readU8(packed + j) & 63u, readU8(packed + j + 4u) & 63u);
    const uint both = readU8(packed + (j | 4u) + 4u);
    const uvec2 high = uvec2((both & 0xfu) | ((readU8(packed + (j & 3u)) >> 6) << 4), (both >> 4) | ((readU8(packed + (j | 4u)) >> 6) << 4));
    return j < 4u ? low : high;
}

// Where a unit of 8 elements of a Q4_K / Q5_K row lies (its block and element e in it, sub-block s),
// that sub-block's integer scale and min, and d * scale and dmin * min: the start both formats share.
struct KQuantUnit {
    uint block;
    uint e;
    uint s;
    uvec2 scaleMin;
    float scale;
    float minimum;
};

KQuantUnit kQuantUnit(uint row, uint unit)
{
    KQuantUnit k;
    k.block = row + (unit >> 5) * BLOCK_BYTES;
    k.e = 8u * (unit & 31u);
    k.s = k.e / 32u;
    const vec2 dm = unpackHalf2x16(readU32(k.block));
    k.scaleMin = scaleMinK4(k.block + 4u, k.s);
    k.scale = dm.x * float(k.scaleMin.x);
    k.minimum = dm.y * float(k.scaleMin.y);
    return k;
}

// For the lane sums (matmul_k_lanes.glsl): the block's d and dmin, and sub-block s's integer min.
float blockScale(uint row, uint block)
{
    return unpackHalf2x16(readU32(row + block * BLOCK_BYTES)).x;
}

float blockMinimumScale(uint row, uint block)
{
    return unpackHalf2x16(readU32(row + block * BLOCK_BYTES)).y;
}

float subBlockMinimum(uint row, uint block, uint s)
{
    return float(scaleMinK4(row + block * BLOCK_BYTES + 4u, s).y);
}
