#version 450
#extension GL_EXT_control_flow_attributes : require

// Prefill matmul on GPUs (many x rows) for the float types and Q2_K: a workgroup computes a tile of
// TILE weight rows (output columns) × TILE tokens, stepping along the rows 32 elements at a time.
// Each step dequantizes the weight tile once into shared memory and stages the x tile beside it, and
// every invocation then accumulates a 4 × 4 block of outputs from there, so each dequantized weight
// is used for TILE tokens.

#define TILE 32u
#define STEP 32u
layout(local_size_x = 64) in; // (TILE / 4)² invocations, one per 4 × 4 output block

#include "formats/weights.glsl"
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };

#include "formats/format.glsl"
#include "matmul_push.glsl"
#include "matmul_input.glsl"
#include "matmul_output.glsl"

// [k][row / 4] and [k][token / 4]: an invocation reads its four rows / tokens at one k as one vec4.
shared vec4 weightTile[STEP * TILE / 4u];
shared vec4 inputTile[STEP * TILE / 4u];

void main()
{
    // Row tiles beyond the grid limit are folded into the third axis.
    const uint tileRow = (gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x) * TILE;
    if (tileRow >= weightRows) // whole workgroups only, so the barriers below stay uniform
        return;
    const uint tileToken = gl_WorkGroupID.y * TILE;
    const uint id = gl_LocalInvocationIndex;
    const uint rowGroup = id % (TILE / 4u);
    const uint tokenGroup = id / (TILE / 4u);
    mat4 sums = mat4(0.0); // sums[token][row]

    for (uint k0 = 0u; k0 < columns; k0 += STEP) {
        // Weight tile: TILE rows × STEP / 8 units; rows past the end repeat the last (never written).
        for (uint job = id; job < TILE * STEP / 8u; job += gl_WorkGroupSize.x) {
            const uint row = job / (STEP / 8u);
            const uint part = job % (STEP / 8u);
            const uint rowStart = min(tileRow + row, weightRows - 1u) * rowBytes;
            const uint unit = k0 / 8u + part;
            vec4 low, high;
#ifdef FORMAT_ANY_LENGTH
            // Float formats: the last step may end inside a unit or past the row.
            if (8u * unit + 8u > columns) {
                float values[8];
                for (uint i = 0u; i < 8u; ++i)
                    values[i] = 8u * unit + i < columns ? dequantizeElement(rowStart, 8u * unit + i) : 0.0;
                low = vec4(values[0], values[1], values[2], values[3]);
                high = vec4(values[4], values[5], values[6], values[7]);
            } else
#endif
                dequantizeUnit(rowStart, unit, low, high);
            const uint k = 8u * part;
            for (uint i = 0u; i < 4u; ++i) {
                weightTile[(k + i) * (TILE / 4u) + row / 4u][row % 4u] = low[i];
                weightTile[(k + 4u + i) * (TILE / 4u) + row / 4u][row % 4u] = high[i];
            }
        }
        // Input tile: TILE tokens × STEP elements, consecutive invocations reading consecutive floats.
        for (uint job = id; job < TILE * STEP; job += gl_WorkGroupSize.x) {
            const uint token = job / STEP;
            const uint k = job % STEP;
            const uint source = (firstToken + min(tileToken + token, tokens - 1u)) * xStride + k0 + k;
#ifdef FORMAT_ANY_LENGTH
            const float value = k0 + k < columns ? x[source] : 0.0;
#else
            const float value = x[source];
#endif
            inputTile[k * (TILE / 4u) + token / 4u][token % 4u] = value;
        }
        barrier();
        for (uint k = 0u; k < STEP; ++k) {
            const vec4 w = weightTile[k * (TILE / 4u) + rowGroup];
            const vec4 t = inputTile[k * (TILE / 4u) + tokenGroup];
            sums[0] += w * t.x;
            sums[1] += w * t.y;
            sums[2] += w * t.z;
            sums[3] += w * t.w;
        }
        barrier();
    }

    for (uint j = 0u; j < 4u; ++j) {
        const uint token = tileToken + 4u * tokenGroup + j;
        for (uint i = 0u; i < 4u; ++i) {
            const uint row = tileRow + 4u * rowGroup + i;
            if (token < tokens && row < weightRows)
                writeOutput(token, firstWeightRow + row, sums[j][i]);
        }
    }
}
