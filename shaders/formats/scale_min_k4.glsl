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
