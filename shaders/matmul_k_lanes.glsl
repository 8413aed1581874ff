// The lane sums' terms for the K-quants (FORMAT_K_LANES; matmul_lanes.glsl), in the order of the CPU
// backend's (compute/cpu/KQuantFormats.h, after ggml's AVX2 kernels): x comes as Q8_K's integer quants and one
// float scale yd per 256-element block, the weight as integers scale * q per element plus d (and
// dmin and the sub-blocks' integer mins, FORMAT_SUB_BLOCK_MINIMUMS). A chunk is one block.
// - FORMAT_K_LANES 1 (Q3_K, Q5_K, Q6_K): lane l takes the elements e with e % 32 in [4l, 4l + 4),
//   which are texels l, l + 8, ... of the block, into float sum l by a fused multiply-add with
//   yd * d; Q5_K's minimums, Σ min · (sub-block sum of x), go into sum 8 with -(yd * dmin).
//   Q6_K (FORMAT_LANE_OFFSETS) multiplies unsigned quants and takes the offset 32 off per lane as
//   32 · Σ scale · x over the lane's own 32 elements, as ggml does: it changes the lanes' values.
// - FORMAT_K_LANES 2 (Q4_K): llama.cpp repacks matrices of 8k rows (sumOrder 1): each block's
//   integer sum of products, and that of the minimums, into sums 0 and 1 with d * yd and dmin * yd;
//   its batched kernel (the first pairedTokens tokens) does so per pair of sub-blocks. Other Q4_K
//   matrices (sumOrder 0) take lanes by position (elements ≡ l mod 8: even texels' components for
//   lanes 0-3, odd ones' for 4-7) and the minimums into sum 8, all added in order at the end.

// Hands the terms of the block at unit firstUnit of the row at byte rowStarts[0] (the only one: the
// includer's ROWS is 1) to takeTerms.
void multiplyChunk(uint rowStarts[ROWS], uint tileToken, uint firstUnit, const bool whole)
{
    loadChunk(rowStarts[0] + firstUnit / 32u * BLOCK_BYTES);
    vec4 q[64]; // the block's integers scale * q, texel by texel
    [[unroll]] for (uint unit = 0u; unit < 32u; ++unit)
        unitIntegers(0u, unit, q[2u * unit], q[2u * unit + 1u]);
    const float d = blockScale(0u, 0u);
#ifdef FORMAT_LANE_OFFSETS
    float offsetScales[16];
    [[unroll]] for (uint s = 0u; s < 16u; ++s)
        offsetScales[s] = subBlockScale(0u, 0u, s);
#endif
#ifdef FORMAT_SUB_BLOCK_MINIMUMS
    const float dmin = blockMinimumScale(0u, 0u);
    float mins[8];
    [[unroll]] for (uint s = 0u; s < 8u; ++s)
        mins[s] = subBlockMinimum(0u, 0u, s);
#endif
    const uint index = firstUnit / 32u;
    [[dont_unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        const uint token = firstToken + min(tileToken + t, tokens - 1u);
        const uint xRow = token * xStride;
        const float yd = inputScale(xRow, index);
        // One pass over x's texels: the integer products by lane (or, for Q4_K, by position or by
        // pair of sub-blocks). These float sums stay below 2^24 (Q6_K's at most 16 products, Q4_K's
        // 64 smaller ones), so they are exact; each lane's two halves are added as ints.
        float lanes[16];
        float pairs[4];
        vec4 even = vec4(0.0), odd = vec4(0.0);
        [[unroll]] for (uint i = 0u; i < 64u; ++i) {
            const vec4 x = inputTexel((xRow + 256u * index) / 4u + i);
#if FORMAT_K_LANES == 1
            const uint lane = i % 8u + 8u * (i / 32u);
            lanes[lane] = i % 32u < 8u ? dot(q[i], x) : lanes[lane] + dot(q[i], x);
#else
            if (sumOrder == 0u) {
                if (i % 2u == 0u)
                    even += q[i] * x;
                else
                    odd += q[i] * x;
            } else {
                pairs[i / 16u] = i % 16u == 0u ? dot(q[i], x) : pairs[i / 16u] + dot(q[i], x);
            }
#endif
        }
#if defined(FORMAT_SUB_BLOCK_MINIMUMS) || defined(FORMAT_LANE_OFFSETS)
        // The sums of x's quants per 16 elements.
        float xSums[16];
        [[unroll]] for (uint i = 0u; i < 4u; ++i) {
            const vec4 groupSums = inputGroupSums(xRow, index, i);
            [[unroll]] for (uint j = 0u; j < 4u; ++j)
                xSums[4u * i + j] = groupSums[j];
        }
#endif
#ifdef FORMAT_SUB_BLOCK_MINIMUMS
        // Per sub-block of 32: its min times the sum of x's quants there.
        float minimumParts[8];
        [[unroll]] for (uint s = 0u; s < 8u; ++s)
            minimumParts[s] = mins[s] * (xSums[2u * s] + xSums[2u * s + 1u]);
        const float minimumSum = ((minimumParts[0] + minimumParts[1]) + (minimumParts[2] + minimumParts[3])) + ((minimumParts[4] + minimumParts[5]) + (minimumParts[6] + minimumParts[7]));
#endif
        BlockTerms terms;
#if FORMAT_K_LANES == 1
        terms.scale = yd * d;
        [[unroll]] for (uint l = 0u; l < 8u; ++l) {
            int lane = int(lanes[l]) + int(lanes[l + 8u]);
#ifdef FORMAT_LANE_OFFSETS
            // Q6_K's quants are unsigned: 32 · Σ scale · x over the lane's 32 elements comes off.
            lane -= 32 * (int(offsetScales[2u * l]) * int(xSums[2u * l]) + int(offsetScales[2u * l + 1u]) * int(xSums[2u * l + 1u]));
#endif
            terms.lanes[l] = float(lane);
        }
#ifdef FORMAT_SUB_BLOCK_MINIMUMS
        terms.minimum = minimumSum;
        terms.minimumScale = -(yd * dmin);
#else
        terms.minimum = 0.0;
        terms.minimumScale = 0.0;
#endif
#else
        terms.scale = d * yd;
        terms.minimum = minimumSum;
        terms.minimumScale = dmin * yd;
        if (sumOrder == 0u) {
            [[unroll]] for (uint l = 0u; l < 4u; ++l) {
                terms.lanes[l] = even[l];
                terms.lanes[4u + l] = odd[l];
            }
        } else {
            // The pairs' integer sums, then those of their minimums.
            [[unroll]] for (uint p = 0u; p < 4u; ++p) {
                terms.lanes[p] = pairs[p];
                terms.lanes[4u + p] = float(int(minimumParts[2u * p]) + int(minimumParts[2u * p + 1u]));
            }
        }
#endif
        takeTerms(t, token, 0u, terms);
    }
}

// Sum l of a token (8: the minimums') after the block of `terms`.
float addTerms(uint l, float sum, BlockTerms terms, uint token)
{
    // One return only: glslc's optimizer (shaderc 2023.2) crashes on the unrolled early returns.
#if FORMAT_K_LANES == 1
    if (l < 8u)
        sum = laneFma(terms.scale, terms.lanes[l], sum);
#ifdef FORMAT_SUB_BLOCK_MINIMUMS
    else
        sum = laneFma(terms.minimum, terms.minimumScale, sum);
#endif
#else
    if (sumOrder == 0u) {
        // ggml's reference: rounded products, rounded sums (no fused multiply-add).
        if (l == 8u) {
            precise const float minimumProduct = terms.minimumScale * terms.minimum;
            sum = add(sum, -fence(minimumProduct));
        } else {
            precise const float product = terms.scale * terms.lanes[l];
            sum = add(sum, fence(product));
        }
    } else if (l < 2u) {
        // Sum 0 takes the products, sum 1 the minimums.
        const float factor = l == 0u ? terms.scale : terms.minimumScale;
        if (token < pairedTokens) {
            [[unroll]] for (uint p = 0u; p < 4u; ++p)
                sum = laneFma(terms.lanes[4u * l + p], factor, sum);
        } else {
            const int whole = (int(terms.lanes[4u * l]) + int(terms.lanes[4u * l + 1u])) + (int(terms.lanes[4u * l + 2u]) + int(terms.lanes[4u * l + 3u]));
            sum = laneFma(float(whole), factor, sum);
        }
    }
#endif
    return sum;
}

float total(uint t)
{
    const uint base = t * LANE_SUMS;
#if FORMAT_K_LANES == 2
    if (sumOrder != 0u) {
        precise const float difference = sums[base] - sums[base + 1u];
        return difference;
    }
    float sum = sums[base + 8u];
    [[unroll]] for (uint l = 0u; l < 8u; ++l)
        sum = add(sum, sums[base + l]);
    return sum;
#elif defined(FORMAT_SUB_BLOCK_MINIMUMS)
    return lanesTotal(base, true);
#else
    return lanesTotal(base, false);
#endif
}
