#version 450
#extension GL_EXT_control_flow_attributes : require

// Matmul for GPUs, for the formats with lane sums (matmul_lanes.glsl): it rounds exactly as the CPU
// backend does, like matmul_rows.comp, but spreads a row's blocks over a workgroup. Only the
// additions into the lane sums must follow the blocks in order, so the row is walked in rounds of
// one block per invocation: the invocations compute their blocks' terms (the loads, the unpacking and
// the integer dot products: nearly all the work) into shared memory, then one invocation per lane
// sum and token adds the round's terms in block order. A workgroup computes one weight row (output
// column) for TOKENS tokens (gl_WorkGroupID.z: which), each block loaded once for all of them.

#define ROUND 32u // blocks per round: one per invocation
layout(local_size_x = 32) in;
layout(constant_id = 1) const uint TOKENS = 1u; // at most MAX_TOKENS
#define MAX_TOKENS 8u

#define WEIGHT_CHUNKS
#include "formats/weights.glsl"
layout(std430, set = 0, binding = 2) buffer Output { float y[]; };

#include "formats/format.glsl"
#include "matmul_push.glsl"
#define INPUT_TEXELS
#define INPUT_INTEGERS
#include "matmul_input.glsl"
#define CHUNK_UNITS (BLOCK_ELEMENTS / 8) // one block
#include "matmul_chunk.glsl"
#define CHUNK_BLOCKS 1
#define ROWS 1 // weight rows per call of multiplyChunk

#define LANE_SUMS 9u
// The sums per invocation: the chains c = index + k * ROUND, which are sum c % LANE_SUMS of token
// c / LANE_SUMS.
#define CHAINS ((MAX_TOKENS * LANE_SUMS + ROUND - 1u) / ROUND)
float sums[LANE_SUMS]; // one token's finished sums, for total()
#define FENCE_ZERO (columns >> 31)
#include "ggml_float.glsl"
#include "matmul_lanes.glsl"
#include "matmul_output.glsl"

shared BlockTerms roundTerms[TOKENS * ROUND]; // [token][block of the round]
shared float finished[TOKENS * LANE_SUMS];

void takeTerms(uint t, uint token, uint block, BlockTerms terms)
{
    roundTerms[t * ROUND + gl_LocalInvocationIndex] = terms;
}

void main()
{
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= weightRows) // whole workgroups only, so the barriers below stay uniform
        return;
    const uint tileToken = gl_WorkGroupID.z * TOKENS;
    const uint index = gl_LocalInvocationIndex;
    const uint blocks = columns / BLOCK_ELEMENTS;
    float chainSums[CHAINS];
    [[unroll]] for (uint k = 0u; k < CHAINS; ++k)
        chainSums[k] = 0.0;

    for (uint first = 0u; first < blocks; first += ROUND) {
        if (first + index < blocks)
            multiplyChunk(uint[1](row * rowBytes), tileToken, (first + index) * (BLOCK_ELEMENTS / 8u), true);
        barrier();
        const uint count = min(ROUND, blocks - first);
        [[unroll]] for (uint k = 0u; k < CHAINS; ++k) {
            const uint chain = index + k * ROUND;
            if (chain < TOKENS * LANE_SUMS) {
                const uint t = chain / LANE_SUMS;
                const uint token = firstToken + min(tileToken + t, tokens - 1u);
                for (uint block = 0u; block < count; ++block)
                    chainSums[k] = addTerms(chain % LANE_SUMS, chainSums[k], roundTerms[t * ROUND + block], token);
            }
        }
        barrier();
    }

    [[unroll]] for (uint k = 0u; k < CHAINS; ++k)
        if (index + k * ROUND < TOKENS * LANE_SUMS)
            finished[index + k * ROUND] = chainSums[k];
    barrier();
    if (index < TOKENS && tileToken + index < tokens) {
        [[unroll]] for (uint l = 0u; l < LANE_SUMS; ++l)
            sums[l] = finished[index * LANE_SUMS + l];
        writeOutput(tileToken + index, firstWeightRow + row, total(0u));
    }
}
