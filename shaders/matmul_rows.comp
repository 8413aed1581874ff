#version 450

// Matmul for CPU drivers (lavapipe), decode and prefill alike: each invocation computes ROWS weight
// rows (output columns) for TOKENS tokens, walking the rows once. There an invocation is a SIMD lane,
// shared memory, barriers and cross-lane operations are slow, and storage buffers are loaded one
// scalar per lane: so lanes differ only in the weight row they read, in chunks of whole blocks
// through texel loads (matmul_chunk.glsl), each chunk is dequantized once and applied to every
// token, and x, the same for all lanes, comes four floats per texel load (matmul_input.glsl).
// No reduction across invocations is needed. The formats with lane sums (FORMAT_LANE_SUMS,
// FORMAT_K_LANES) multiply integer quants and add them up in the CPU's order (matmul_lanes.glsl),
// which rounds exactly as it does.

layout(local_size_x_id = 0, local_size_x = 8) in;
layout(constant_id = 1) const uint TOKENS = 1u; // tokens per invocation (gl_WorkGroupID.z: which)

#define WEIGHT_CHUNKS
#include "formats/weights.glsl"
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };

#include "formats/format.glsl"
#include "matmul_push.glsl"
#define INPUT_TEXELS
#if defined(FORMAT_LANE_SUMS) || defined(FORMAT_K_LANES)
#define INPUT_INTEGERS
#endif
#include "matmul_input.glsl"
// ROWS: weight rows per invocation. The legacy formats' x loads (eight texels per block and token,
// the same in every lane, which lavapipe loads lane by lane all the same) cost more than their weight
// loads, so each invocation applies them to four rows, a block at a time (more rows or longer chunks
// spill registers): 1.4x (Q8_0) to 1.6x (Q4_1) faster decode on lavapipe. VulkanMatmul.cpp's
// rowsPerInvocation mirrors it.
#ifdef FORMAT_LANE_SUMS
#define ROWS 4
#define CHUNK_UNITS (BLOCK_ELEMENTS / 8)
#else
#define ROWS 1
#endif
#include "matmul_chunk.glsl"

#define CHUNK_BLOCKS (CHUNK_UNITS * 8 / BLOCK_ELEMENTS)

#ifdef INPUT_INTEGERS
#define LANE_SUMS 9u // per token: eight lanes, then the minimums (matmul_lanes.glsl)
#define SUMS (ROWS * TOKENS * LANE_SUMS)
#else
#define SUMS (ROWS * TOKENS)
#endif
// This invocation's sums: one per row and token, or LANE_SUMS per row and token for the formats with
// lane sums; row r's for token t of the tile start at index r * TOKENS + t (times LANE_SUMS).
float sums[SUMS];
#ifdef INPUT_INTEGERS
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"
#include "matmul_lanes.glsl"

// Each block's terms are added as they come: an invocation walks its row in order.
void takeTerms(uint t, uint token, uint block, BlockTerms terms)
{
    [[unroll]] for (uint l = 0u; l < LANE_SUMS; ++l)
        sums[t * LANE_SUMS + l] = addTerms(l, sums[t * LANE_SUMS + l], terms, token);
}
#endif
#include "matmul_output.glsl"

#ifndef INPUT_INTEGERS
// Adds the products of the chunk starting at unit firstUnit of the row at byte rowStarts[0] (the
// only one: ROWS is 1) to sums.
// `whole`: the chunk lies within the row (every chunk but maybe the last), so nothing is checked.
void multiplyChunk(uint rowStarts[ROWS], uint tileToken, uint firstUnit, const bool whole)
{
    loadChunk(rowStarts[0] + 8u * firstUnit / BLOCK_ELEMENTS * BLOCK_BYTES);
    // w[i]: the chunk's elements 4i .. 4i + 3, zero past the row's end.
    vec4 w[2 * CHUNK_UNITS];
    [[unroll]] for (uint unit = 0u; unit < CHUNK_UNITS; ++unit) {
        const uint element = 8u * (firstUnit + unit);
        if (whole || element + 8u <= columns) {
            dequantizeUnit(0u, unit, w[2u * unit], w[2u * unit + 1u]);
        } else {
            w[2u * unit] = vec4(0.0);
            w[2u * unit + 1u] = vec4(0.0);
#ifdef FORMAT_ANY_LENGTH
            [[unroll]] for (uint i = 0u; i < 8u; ++i)
                if (element + i < columns)
                    w[2u * unit + i / 4u][i % 4u] = dequantizeElement(0u, 8u * unit + i);
#endif
        }
    }
    // Not unrolled: TOKENS copies of the chunk's products would take the driver's compiler minutes.
    [[dont_unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        const uint xRow = (firstToken + min(tileToken + t, tokens - 1u)) * xStride;
        float partial = 0.0;
        [[unroll]] for (uint texel = 0u; texel < 2u * CHUNK_UNITS; ++texel) {
            const uint element = 8u * firstUnit + 4u * texel;
            if (whole || element + 4u <= columns) {
                partial += dot(w[texel], inputTexel((xRow + element) / 4u));
            }
#ifdef FORMAT_ANY_LENGTH
            else if (element < columns) {
                // The row ends inside this texel: what follows it may be anything, even NaN.
                const vec4 values = inputTexel((xRow + element) / 4u);
                [[unroll]] for (uint i = 0u; i < 4u; ++i)
                    if (element + i < columns)
                        partial += w[texel][i] * values[i];
            }
#endif
        }
        sums[t] += partial;
    }
}

float total(uint t)
{
    return sums[t];
}
#endif

void main()
{
    const uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    const uint tileToken = gl_WorkGroupID.z * TOKENS; // the first of this invocation's tokens
    // Row r of this invocation: a workgroup takes ROWS runs of as many rows as it has invocations.
    uint rows[ROWS];
    uint rowStarts[ROWS];
    [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
        rows[r] = (group * ROWS + r) * gl_WorkGroupSize.x + gl_LocalInvocationIndex;
        // Lanes past the last row or token repeat it and write nothing: no branches in the hot loop.
        rowStarts[r] = min(rows[r], weightRows - 1u) * rowBytes;
    }
    for (uint i = 0u; i < SUMS; ++i)
        sums[i] = 0.0;
    // Whole chunks, then the rest of the row, if any (the float formats' rows may end inside a unit).
    const uint wholeUnits = columns / 8u / CHUNK_UNITS * CHUNK_UNITS;
    for (uint firstUnit = 0u; firstUnit < wholeUnits; firstUnit += CHUNK_UNITS)
        multiplyChunk(rowStarts, tileToken, firstUnit, true);
    if (8u * wholeUnits < columns)
        multiplyChunk(rowStarts, tileToken, wholeUnits, false);
    [[unroll]] for (uint r = 0u; r < ROWS; ++r)
        if (rows[r] < weightRows)
            for (uint t = 0u; t < TOKENS; ++t)
                if (tileToken + t < tokens)
                    writeOutput(tileToken + t, firstWeightRow + rows[r], total(r * TOKENS + t));
}
