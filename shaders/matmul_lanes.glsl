// How the matmul shaders with lane sums (matmul_rows.comp, matmul_ordered.comp) add up a row's
// products: in the CPU backend's order, so that both round alike. For the K-quants (FORMAT_K_LANES)
// see matmul_k_lanes.glsl. For the legacy formats (FORMAT_LANE_SUMS; compute/cpu/LegacyFormats.h,
// after ggml's AVX2 kernels and llamafile's tinyBLAS): per block, lane l's integer sum over elements
// 4l .. 4l + 3 times the product of the two blocks' scales goes into float sum l by a fused
// multiply-add; the lanes are added at the end as sumLanes (ggml_float.glsl) does, then the
// minimums' sum of products m * s (FORMAT_BLOCK_MINIMUM), which is kept apart. With sumOrder 1
// (llama.cpp's repacked Q4_0) each block's whole integer sum goes into one float sum instead.
// Every step but the fused one is exact: the integer quants' products and sums stay below 2^24, and
// products of two halves fit a float. The fused multiply-add runs in double, where the product is
// exact, then rounds to float: the same float as a single rounding except when the double lands on
// a tie between two floats without being one, about one rounding in 2^29. Devices whose float fma()
// is fused (FUSED_FMA, ggml_float.glsl) use that, which is exact and faster than double (1/32 to
// 1/64 of the float rate on consumer GPUs); devices with neither (NO_FLOAT64) take ggml_float.glsl's
// emulation. Lavapipe's float fma() is not fused.
//
// Only the additions into the sums must come in block order. So a block's part is computed apart
// (BlockTerms: its integer sums and the factors they are added with), in any invocation, and
// multiplyChunk hands it to the includer's takeTerms, which adds it at once (matmul_rows) or keeps
// it for a pass in block order (matmul_ordered); addTerms adds it to one sum.

// The includer keeps float sums[], LANE_SUMS (9) per token, for total(), and reads x as integer
// quants (INPUT_INTEGERS, matmul_input.glsl).

struct BlockTerms {
    float lanes[8]; // integer sums (or, for Q4_K, products; matmul_k_lanes.glsl)
    float scale; // the lanes' factor
    float minimum; // legacy: the rounded product m * s; K-quants: the minimums' integer sum
    float minimumScale; // K-quants: the factor of minimum
};

// Token t of the invocation's tile (absolute index `token`), block `block` of the chunk.
void takeTerms(uint t, uint token, uint block, BlockTerms terms);

float laneFma(float a, float b, float c)
{
#ifdef NO_FLOAT64
    return exactFma(a, b, c);
#else
    float result;
    if (FUSED_FMA)
        result = exactFma(a, b, c);
    else
        result = float(fma(double(a), double(b), double(c)));
    return result;
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
// Sum l of a token (8: the minimums') after the block of `terms`.
float addTerms(uint l, float sum, BlockTerms terms, uint token)
{
    // One return only: glslc's optimizer (shaderc 2023.2) crashes on the unrolled early returns.
    if (l == 8u) {
#ifdef FORMAT_BLOCK_MINIMUM
        sum = add(sum, terms.minimum);
#endif
    } else if (sumOrder == 0u) {
        sum = laneFma(terms.scale, terms.lanes[l], sum);
    } else if (l == 0u) {
        const float whole = ((terms.lanes[0] + terms.lanes[1]) + (terms.lanes[2] + terms.lanes[3])) + ((terms.lanes[4] + terms.lanes[5]) + (terms.lanes[6] + terms.lanes[7]));
        sum = laneFma(terms.scale, whole, sum);
    }
    return sum;
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

// Hands the terms of the chunk starting at unit firstUnit of each of the ROWS rows at bytes
// rowStarts[r] to takeTerms (as t = r * TOKENS + the token's index in the tile). `whole`: the chunk
// lies within the row; otherwise its blocks past the row's end are left out. x is read once per
// token and block for all ROWS rows.
void multiplyChunk(uint rowStarts[ROWS], uint tileToken, uint firstUnit, const bool whole)
{
    // q[r][i]: the integer quants of row r's chunk elements 4i .. 4i + 3.
    vec4 q[ROWS][2 * CHUNK_UNITS];
    float scales[ROWS][CHUNK_BLOCKS];
#ifdef FORMAT_BLOCK_MINIMUM
    float minimums[ROWS][CHUNK_BLOCKS];
#endif
    [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
        loadChunk(rowStarts[r] + 8u * firstUnit / BLOCK_ELEMENTS * BLOCK_BYTES);
        [[unroll]] for (uint unit = 0u; unit < CHUNK_UNITS; ++unit)
            unitQuants(0u, unit, q[r][2u * unit], q[r][2u * unit + 1u]);
        [[unroll]] for (uint block = 0u; block < CHUNK_BLOCKS; ++block) {
            scales[r][block] = blockScale(0u, block);
#ifdef FORMAT_BLOCK_MINIMUM
            minimums[r][block] = blockMinimum(0u, block);
#endif
        }
    }
    [[dont_unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        const uint token = firstToken + min(tileToken + t, tokens - 1u);
        const uint xRow = token * xStride;
        [[unroll]] for (uint block = 0u; block < CHUNK_BLOCKS; ++block) {
            const uint index = firstUnit * 8u / BLOCK_ELEMENTS + block;
            if (whole || index < columns / BLOCK_ELEMENTS) {
                vec4 xs[8];
                [[unroll]] for (uint l = 0u; l < 8u; ++l)
                    xs[l] = inputTexel((xRow + BLOCK_ELEMENTS * index + 4u * l) / 4u);
                const float xScale = inputScale(xRow, index);
#ifdef FORMAT_BLOCK_MINIMUM
                const float xSum = inputBlockSum(xRow, index);
#endif
                [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
                    BlockTerms terms;
                    [[unroll]] for (uint l = 0u; l < 8u; ++l)
                        terms.lanes[l] = dot(q[r][8u * block + l], xs[l]);
                    terms.scale = scales[r][block] * xScale;
#ifdef FORMAT_BLOCK_MINIMUM
                    precise const float minimum = minimums[r][block] * xSum;
                    terms.minimum = minimum;
#else
                    terms.minimum = 0.0;
#endif
                    terms.minimumScale = 0.0;
                    takeTerms(r * TOKENS + t, token, block, terms);
                }
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
