#version 450
#extension GL_EXT_control_flow_attributes : require

// Rounds matmul input rows the way the CPU backend converts them for the weight type (ggml's
// vec_dot_type; compute/cpu/ActivationQuant.cpp and VecDot.cpp), so that the GPU multiplies the same
// values: Q8_0 blocks of 32, Q8_1 (INPUT_Q8_1: Q8_0 plus each block's s = d * Σ q as a half, for the
// weight formats with a minimum), Q8_K blocks of 256 (INPUT_Q8_K), F16 or BF16 (INPUT_F16,
// INPUT_BF16). INPUT_F32 copies the values as they are: CPU drivers' matmul_rows.comp reads x rows at
// whole 16-byte texels, where an F32 input's rows need not start. One invocation per block (per
// element for F32 / F16 / BF16). Output row r starts at r * outStride. INPUT_INTEGERS (the weight
// formats with lane sums, matmul_lanes.glsl; Q8_0 and Q8_1 come only so): the row's floats are the
// integer quants q, followed (Q8_K) by the sums of each 16 of them, then each block's d, then (Q8_1)
// each block's s (matmul_input.glsl). Otherwise (Q8_K for Q2_K, the float formats) the values are
// written back as floats, d * q for Q8_K (exact for its scales).
// NORMALIZE: x is first RMS-normalized (as rms_norm.comp does) into `normed`, which the rounding then
// reads: one workgroup per row, so that the norm costs no dispatch of its own.

layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Parameters {
    uint columns;
    uint rows;
    uint outStride;
    float eps; // NORMALIZE only
};

#include "exact_divide.glsl"
#include "grid.glsl"
#include "half.glsl"
#include "q8_0_rounding.glsl"

#ifdef NORMALIZE
layout(std430, set = 0, binding = 2) readonly buffer Weight { float weight[]; };
layout(std430, set = 0, binding = 3) buffer Normed { float normed[]; };
// 0 (rows are shorter than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"
#include "rms_scale.glsl"
// What the rounding reads: the normalized row, which roundBlock writes before it reads it.
#define X normed
#else
#define X x
#endif

#if defined(INPUT_Q8_K)
#define BLOCK 256u
#elif defined(INPUT_F16) || defined(INPUT_BF16) || defined(INPUT_F32)
#define BLOCK 1u
#else
#define BLOCK 32u
#endif

// Rounds block `block` of row `row`; scale is the row's RMSNorm scale (NORMALIZE only).
void roundBlock(uint row, uint block, float scale)
{
    const uint blocksPerRow = columns / BLOCK;
    const uint from = row * columns + block * BLOCK;
    const uint to = row * outStride + block * BLOCK;
#ifdef NORMALIZE
    for (uint j = 0u; j < BLOCK; ++j)
        normed[from + j] = rmsNormalized(x[from + j], scale, weight[block * BLOCK + j]);
#endif
#if defined(INPUT_F32)
    y[to] = X[from];
#elif defined(INPUT_F16)
    y[to] = halfToFloat(floatToHalf(X[from]));
#elif defined(INPUT_BF16)
    // quant::floatToBf16: round to nearest even, NaN kept quiet.
    const uint bits = floatBitsToUint(X[from]);
    const uint rounded = (bits & 0x7fffffffu) > 0x7f800000u ? bits | 0x400000u : bits + 0x7fffu + ((bits >> 16) & 1u);
    y[to] = uintBitsToFloat(rounded & 0xffff0000u);
#elif defined(INPUT_Q8_K)
    // quantize_row_q8_K_ref: the first element of largest magnitude maps to -127.
    float amax = 0.0;
    float largest = 0.0;
    for (uint j = 0u; j < BLOCK; ++j) {
        const float value = X[from + j];
        if (abs(value) > amax) {
            amax = abs(value);
            largest = value;
        }
    }
    if (amax == 0.0) {
        for (uint j = 0u; j < BLOCK; ++j)
            y[to + j] = 0.0;
#if defined(INPUT_INTEGERS)
        for (uint g = 0u; g < 16u; ++g)
            y[row * outStride + columns + 16u * block + g] = 0.0;
        y[row * outStride + columns + 16u * blocksPerRow + block] = 0.0;
#endif
        return;
    }
    const float inverseMagnitude = exactDivide(127.0, amax);
    const float inverseScale = largest > 0.0 ? -inverseMagnitude : inverseMagnitude;
    const float d = sign(inverseScale) * exactDivide(1.0, inverseMagnitude);
    float groupSum = 0.0; // of 16 quants, exact
    for (uint j = 0u; j < BLOCK; ++j) {
        precise const float scaled = inverseScale * X[from + j];
        const float q = min(127.0, roundEven(scaled));
#if defined(INPUT_INTEGERS)
        y[to + j] = q;
        groupSum += q;
        if (j % 16u == 15u) {
            y[row * outStride + columns + 16u * block + j / 16u] = groupSum;
            groupSum = 0.0;
        }
#else
        y[to + j] = d * q;
#endif
    }
#if defined(INPUT_INTEGERS)
    y[row * outStride + columns + 16u * blocksPerRow + block] = d;
#endif
#elif !defined(INPUT_INTEGERS)
#error "Q8_0 and Q8_1 inputs come as integer quants only"
#else
    float amax = 0.0;
    for (uint j = 0u; j < BLOCK; ++j)
        amax = max(amax, abs(X[from + j]));
    const float d = q8Scale(amax);
    const float multiplier = q8Multiplier(amax);
    const float roundedD = halfToFloat(floatToHalf(d));
    int sum = 0;
    for (uint j = 0u; j < BLOCK; ++j) {
        const float q = q8Quant(X[from + j], multiplier);
        sum += int(q);
        y[to + j] = q;
    }
    y[row * outStride + columns + block] = roundedD;
#if defined(INPUT_Q8_1)
    // The sums follow the scales.
    precise const float s = d * float(sum); // the unrounded d, as ggml
    y[row * outStride + columns + blocksPerRow + block] = halfToFloat(floatToHalf(s));
#endif
#endif
}

void main()
{
#ifdef NORMALIZE
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= rows)
        return; // the whole workgroup, before any barrier
    const float scale = rmsScale(row * columns, columns, eps);
    for (uint block = gl_LocalInvocationIndex; block < columns / BLOCK; block += gl_WorkGroupSize.x)
        roundBlock(row, block, scale);
#else
    const uint blocksPerRow = columns / BLOCK;
    const uint item = flatInvocationIndex();
    if (item >= rows * blocksPerRow)
        return;
    roundBlock(item / blocksPerRow, item % blocksPerRow, 0.0);
#endif
}
