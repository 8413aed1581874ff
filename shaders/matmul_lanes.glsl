// How matmul_rows.comp adds up a row's products for the formats with lane sums: in the CPU backend's
// order, so that both round alike. For the K-quants (FORMAT_K_LANES) see matmul_k_lanes.glsl. For
// the legacy formats (FORMAT_LANE_SUMS; compute/cpu/LegacyFormats.h, after ggml's AVX2 kernels and
// llamafile's tinyBLAS): per block, lane l's integer sum over elements 4l .. 4l + 3
// times the product of the two blocks' scales goes into float sum l by a fused multiply-add; the
// lanes are added at the end as sumLanes (ggml_float.glsl) does, then the minimums' sum of
// products m * s (FORMAT_BLOCK_MINIMUM), which is kept apart. With sumOrder 1 (llama.cpp's repacked
// Q4_0) each block's whole integer sum goes into one float sum instead.
// Every step but the fused one is exact: the integer quants' products and sums stay below 2^24, and
// products of two halves fit a float. The fused multiply-add runs in double, where the product is
// exact, then rounds to float: the same float as a single rounding except when the double lands on
// a tie between two floats without being one, about one rounding in 2^29. Lavapipe's float fma()
// is not fused; CPU drivers without float64 (NO_FLOAT64) take ggml_float.glsl's exact emulation.

// The includer keeps the invocation's float sums[], LANE_SUMS per token, and reads x as integer
// quants (INPUT_INTEGERS, matmul_input.glsl).

float laneFma(float a, float b, float c)
{
#ifdef NO_FLOAT64
    return exactFma(a, b, c);
#else
    return float(fma(double(a), double(b), double(c)));
#endif
}

// ggml's horizontal sum of a token's eight lane sums at `base`, then (withSeparate) the sum kept
// apart at base + 8.
float lanesTotal(uint base, const bool withSeparate)
{
    float lanes[8];
    [[unroll]] for (uint l = 0u; l < 8u; ++l)
        lanes[l] = sums[base + l];
    const float total = sumLanes(lanes);
    return withSeparate ? add(total, sums[base + 8u]) : total;
}

#ifdef FORMAT_LANE_SUMS
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
#ifdef FORMAT_BLOCK_MINIMUM
    return lanesTotal(base, true);
#else
    return lanesTotal(base, false);
#endif
}

// Adds the lane sums of the chunk starting at unit firstUnit of the row at byte rowStart to sums.
// `whole`: the chunk lies within the row; otherwise its blocks past the row's
// end are left out.
void multiplyChunk(uint rowStart, uint tileToken, uint firstUnit, const bool whole)
{
    loadChunk(rowStart + 8u * firstUnit / BLOCK_ELEMENTS * BLOCK_BYTES);
    // q[i]: the integer quants of the chunk's elements 4i .. 4i + 3.
    vec4 q[2 * CHUNK_UNITS];
    [[unroll]] for (uint unit = 0u; unit < CHUNK_UNITS; ++unit)
        unitQuants(0u, unit, q[2u * unit], q[2u * unit + 1u]);
    float scales[CHUNK_BLOCKS];
#ifdef FORMAT_BLOCK_MINIMUM
    float minimums[CHUNK_BLOCKS];
#endif
    [[unroll]] for (uint block = 0u; block < CHUNK_BLOCKS; ++block) {
        scales[block] = blockScale(0u, block);
#ifdef FORMAT_BLOCK_MINIMUM
        minimums[block] = blockMinimum(0u, block);
#endif
    }
    [[dont_unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        const uint xRow = (firstToken + min(tileToken + t, tokens - 1u)) * xStride;
        const uint base = t * LANE_SUMS;
        [[unroll]] for (uint block = 0u; block < CHUNK_BLOCKS; ++block) {
            const uint index = firstUnit * 8u / BLOCK_ELEMENTS + block;
            if (whole || index < columns / BLOCK_ELEMENTS) {
                float lanes[8];
                [[unroll]] for (uint l = 0u; l < 8u; ++l)
                    lanes[l] = dot(q[8u * block + l], inputTexel((xRow + BLOCK_ELEMENTS * index + 4u * l) / 4u));
                addBlockLanes(base, scales[block] * inputScale(xRow, index), lanes);
#ifdef FORMAT_BLOCK_MINIMUM
                sums[base + 8u] = add(sums[base + 8u], minimums[block] * inputBlockSum(xRow, index));
#endif
            }
        }
    }
}

float total(uint t)
{
    return laneTotal(t * LANE_SUMS);
}
#endif

#ifdef FORMAT_K_LANES
#include "matmul_k_lanes.glsl"
#endif
