// How matmul_rows.comp adds up a row's products for the formats with lane sums (FORMAT_LANE_SUMS):
// in the CPU backend's order (compute/cpu/LegacyFormats.h, after ggml's AVX2 kernels and llamafile's
// tinyBLAS), so that both round alike. Per block, lane l's integer sum over elements 4l .. 4l + 3
// times the product of the two blocks' scales goes into float sum l by a fused multiply-add; the
// lanes are added at the end as sumLanes (ggml_float.glsl) does, then the minimums' sum of
// products m * s (FORMAT_BLOCK_MINIMUM), which is kept apart. With sumOrder 1 (llama.cpp's repacked
// Q4_0) each block's whole integer sum goes into one float sum instead.
// Every step but the fused one is exact: the integer quants' products and sums stay below 2^24, and
// products of two halves fit a float. The fused multiply-add runs in double, where the product is
// exact, then rounds to float: the same float as a single rounding except when the double lands on
// a tie between two floats without being one, about one rounding in 2^29. Lavapipe's float fma()
// is not fused; CPU drivers without float64 (NO_FLOAT64) take ggml_float.glsl's exact emulation.

// The includer keeps the invocation's float sums[], LANE_SUMS per token.

float laneFma(float a, float b, float c)
{
#ifdef NO_FLOAT64
    return exactFma(a, b, c);
#else
    return float(fma(double(a), double(b), double(c)));
#endif
}

// Adds one block's lane sums, times scale, to the token's sums at `base`.
void addBlockLanes(uint base, float scale, const float lanes[8])
{
    if (sumOrder == 0u) {
        [[unroll]] for (uint l = 0u; l < 8u; ++l)
            sums[base + l] = laneFma(scale, lanes[l], sums[base + l]);
    } else {
        const float whole = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        sums[base] = laneFma(scale, whole, sums[base]);
    }
}

float laneTotal(uint base)
{
    if (sumOrder != 0u)
        return sums[base];
    float lanes[8];
    [[unroll]] for (uint l = 0u; l < 8u; ++l)
        lanes[l] = sums[base + l];
#ifdef FORMAT_BLOCK_MINIMUM
    return add(sumLanes(lanes), sums[base + 8u]);
#else
    return sumLanes(lanes);
#endif
}
