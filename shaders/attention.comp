#version 450
#extension GL_EXT_control_flow_attributes : require

// Attention with grouped KV heads, flash-attention style: scores are made one tile of cache rows at
// a time and folded into a running (online) softmax, so no n × n score matrix ever reaches memory.
//
// Workgroup (x, y, z) = (KV head and part of its query heads, block of ROWS query rows, split of the
// cache rows). Its queries are QUERY_HEADS of the GROUP query heads sharing the KV head (all of them
// unless the group is large) for each of its rows: every cache element loaded serves all of them.
// The rows it sees (the union of its queries' visible rows) are cut into `splits` parts of
// `splitRows`; with more than one part (long caches, few queries: decode) each workgroup writes its
// unnormalized output and softmax state, and attention_merge combines them.
//
// Loads are what costs on lavapipe (Mesa 22 performs every buffer or shared memory load one lane and
// one component at a time, ~40 cycles per element; arithmetic is nearly free next to that), so each
// element read is used as often as possible: for dot products a lane owns LANE_ROWS cache rows and
// reads each query quad once for all of them; for the value sums a lane owns LANE_QUADS quads of
// output dimensions of every query, and the lanes split the tile's rows into groups whose sums add
// up at the end.

layout(local_size_x_id = 0, local_size_x = 64) in; // at least QUADS / LANE_QUADS invocations
layout(constant_id = 1) const uint HEAD_DIM = 64;
layout(constant_id = 2) const uint GROUP = 1; // query heads per KV head
layout(constant_id = 3) const uint ROWS = 1; // query rows per workgroup
layout(constant_id = 4) const uint KEY_FORMAT = 0; // attention.glsl
layout(constant_id = 5) const uint VALUE_FORMAT = 0;
layout(constant_id = 6) const bool PARTIAL = false; // write split results for attention_merge
layout(constant_id = 7) const uint LANE_ROWS = 4; // a multiple of 4 (the tile is read as vec4s)
layout(constant_id = 8) const uint QUERY_HEADS = 1; // of the GROUP, per workgroup

const uint LANES = gl_WorkGroupSize.x;
const uint TILE = LANES * LANE_ROWS; // cache rows per step
const uint PARTS = (GROUP + QUERY_HEADS - 1) / QUERY_HEADS; // workgroups per KV head and row block
const uint QUERIES = ROWS * QUERY_HEADS;
const uint QUADS = (HEAD_DIM + 3) / 4; // vec4s per query
// Quads of output dimensions a lane sums (each probability read then serves more of them); the
// lanes summing values split the rows ROW_GROUPS ways.
const uint LANE_QUADS = LANE_ROWS / 4;
const uint SUM_LANES = (QUADS + LANE_QUADS - 1) / LANE_QUADS;
const uint ROW_GROUPS = LANES / SUM_LANES;
// Cache rows (and heads) start on a 4-element boundary: quads are read whole (a uvec4 of F32, or
// two words of F16; Q8_0 caches are read element by element).
const bool WIDE = HEAD_DIM % 4 == 0;

layout(std430, set = 0, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, set = 0, binding = 1) readonly buffer Keys { uvec4 keyQuads[]; };
layout(std430, set = 0, binding = 2) readonly buffer Values { uvec4 valueQuads[]; };
layout(std430, set = 0, binding = 3) readonly buffer Positions { uint positions[]; };
// The output (q's layout), or with PARTIAL per (row, head, split): HEAD_DIM sums, max, sum of exps.
layout(std430, set = 0, binding = 4) writeonly buffer Results { float results[]; };

layout(push_constant) uniform Parameters {
    uint rows; // query rows
    uint heads;
    uint cacheRows;
    uint window;
    float scale;
    float softcap;
    uint causal;
    uint splits;
    uint splitRows;
    float queryScale; // see queryElement()
};

#define ATTENTION_READS_VALUES
#include "attention.glsl"

shared vec4 queries[QUERIES * QUADS];
// Per query and tile row: the score, then its exp (the unnormalized probability). At the end, the
// value sums of each row group.
shared vec4 probabilities[QUERIES * TILE / 4];
shared float runningMax[QUERIES];
shared float runningSum[QUERIES];
shared float rescale[QUERIES]; // exp(old max - new max): how much the sums so far shrink

// acc + a · b, one fused step per component in order.
float dot4(vec4 a, vec4 b, float acc)
{
    return fma(a.w, b.w, fma(a.z, b.z, fma(a.y, b.y, fma(a.x, b.x, acc))));
}

// Word `word` of the V cache (values) or the K cache.
uint cacheWord(bool values, uint word)
{
    return values ? valueQuads[word >> 2][word & 3] : keyQuads[word >> 2][word & 3];
}

// Elements 4 * quad .. 4 * quad + 3 of the head row starting at element `base` of the V cache
// (values) or the K cache; zeros past the head's end.
vec4 cacheQuad(bool values, uint base, uint quad)
{
    const uint format = values ? VALUE_FORMAT : KEY_FORMAT;
    if (WIDE && format == F16_CACHE) {
        const uint word = (base >> 1) + quad * 2;
        return vec4(unpackHalf2x16(cacheWord(values, word)), unpackHalf2x16(cacheWord(values, word + 1)));
    }
    if (WIDE && format == F32_CACHE)
        return uintBitsToFloat(values ? valueQuads[(base >> 2) + quad] : keyQuads[(base >> 2) + quad]);
    vec4 elements;
    for (uint i = 0; i < 4; ++i) {
        const uint d = quad * 4 + i;
        elements[i] = d >= HEAD_DIM ? 0.0 : values ? valueElement(base + d) : keyElement(base + d);
    }
    return elements;
}

void main()
{
    const uint lane = gl_LocalInvocationIndex;
    const uint kvHead = gl_WorkGroupID.x / PARTS;
    const uint firstInGroup = gl_WorkGroupID.x % PARTS * QUERY_HEADS;
    const uint firstRow = gl_WorkGroupID.y * ROWS;
    const uint split = gl_WorkGroupID.z;
    const uint queryCols = heads * HEAD_DIM;
    const uint cacheCols = heads / GROUP * HEAD_DIM;
    const uint headOffset = kvHead * HEAD_DIM;

    uvec2 visible[ROWS];
    uint begin = 0xffffffffu, end = 0;
    [[unroll]] for (uint i = 0; i < ROWS; ++i) {
        visible[i] = firstRow + i < rows ? visibleRows(positions[firstRow + i], causal != 0, window, cacheRows) : uvec2(0);
        if (visible[i].x < visible[i].y) {
            begin = min(begin, visible[i].x);
            end = max(end, visible[i].y);
        }
    }
    begin = min(begin, end) + split * splitRows;
    end = min(end, begin + splitRows);

    for (uint e = lane; e < QUERIES * QUADS * 4; e += LANES) {
        const uint query = e / (QUADS * 4);
        const uint d = e % (QUADS * 4);
        const uint row = firstRow + query / QUERY_HEADS;
        const uint inGroup = firstInGroup + query % QUERY_HEADS;
        const bool exists = row < rows && inGroup < GROUP && d < HEAD_DIM;
        queries[e >> 2][e & 3] = exists ? queryElement(q[row * queryCols + (kvHead * GROUP + inGroup) * HEAD_DIM + d], queryScale) : 0.0;
    }
    if (lane < QUERIES) {
        runningMax[lane] = NEGATIVE_INFINITY;
        runningSum[lane] = 0.0;
    }
    // This lane's value sums: quads firstQuad .. firstQuad + LANE_QUADS - 1 of every query, over the
    // rows of its row group (lanes past ROW_GROUPS * SUM_LANES have none).
    const uint firstQuad = lane % SUM_LANES * LANE_QUADS;
    const uint rowGroup = lane / SUM_LANES;
    vec4 sums[QUERIES * LANE_QUADS];
    [[unroll]] for (uint i = 0; i < QUERIES * LANE_QUADS; ++i)
        sums[i] = vec4(0.0);
    barrier();

    for (uint tile = begin; tile < end; tile += TILE) {
        // Scores: this lane's cache rows against every query (rows past the end read the last one).
        float dots[LANE_ROWS * QUERIES];
        uint bases[LANE_ROWS];
        [[unroll]] for (uint r = 0; r < LANE_ROWS; ++r) {
            bases[r] = min(tile + r * LANES + lane, end - 1) * cacheCols + headOffset;
            [[unroll]] for (uint query = 0; query < QUERIES; ++query)
                dots[r * QUERIES + query] = 0.0;
        }
        for (uint k = 0; k < QUADS; ++k) {
            vec4 keys[LANE_ROWS];
            [[unroll]] for (uint r = 0; r < LANE_ROWS; ++r)
                keys[r] = cacheQuad(false, bases[r], k);
            [[unroll]] for (uint query = 0; query < QUERIES; ++query) {
                const vec4 x = queries[query * QUADS + k];
                [[unroll]] for (uint r = 0; r < LANE_ROWS; ++r)
                    dots[r * QUERIES + query] = dot4(x, keys[r], dots[r * QUERIES + query]);
            }
        }
        [[unroll]] for (uint r = 0; r < LANE_ROWS; ++r) {
            const uint c = r * LANES + lane;
            const uint t = tile + c;
            [[unroll]] for (uint query = 0; query < QUERIES; ++query) {
                const uvec2 rowsSeen = visible[query / QUERY_HEADS];
                const bool seen = t < end && t >= rowsSeen.x && t < rowsSeen.y;
                const uint at = query * TILE + c;
                probabilities[at >> 2][at & 3] = seen ? attentionScore(dots[r * QUERIES + query], scale, softcap) : NEGATIVE_INFINITY;
            }
        }
        barrier();

        // Online softmax: one invocation per query walks the tile.
        if (lane < QUERIES) {
            const uint at = lane * TILE / 4;
            const float oldMax = runningMax[lane];
            vec4 maxima = vec4(oldMax);
            for (uint c = 0; c < TILE / 4; ++c)
                maxima = max(maxima, probabilities[at + c]);
            const float newMax = max(max(maxima.x, maxima.y), max(maxima.z, maxima.w));
            vec4 sums4 = vec4(0.0);
            for (uint c = 0; c < TILE / 4; ++c) {
                const vec4 scores = probabilities[at + c];
                // exp(-inf) may not be exactly 0 on every device: masked rows must not count.
                const vec4 p = mix(exp(scores - newMax), vec4(0.0), equal(scores, vec4(NEGATIVE_INFINITY)));
                probabilities[at + c] = p;
                sums4 += p;
            }
            const float shrink = oldMax == NEGATIVE_INFINITY ? 0.0 : exp(oldMax - newMax);
            rescale[lane] = shrink;
            runningMax[lane] = newMax;
            runningSum[lane] = runningSum[lane] * shrink + (sums4.x + sums4.y) + (sums4.z + sums4.w);
        }
        barrier();

        // Values: rows rowGroup, rowGroup + ROW_GROUPS, ... of the tile.
        [[unroll]] for (uint query = 0; query < QUERIES; ++query)
            [[unroll]] for (uint j = 0; j < LANE_QUADS; ++j)
                sums[query * LANE_QUADS + j] *= rescale[query];
        if (rowGroup < ROW_GROUPS) {
            const uint count = min(TILE, end - tile);
            for (uint c = rowGroup; c < count; c += ROW_GROUPS) {
                const uint base = (tile + c) * cacheCols + headOffset;
                vec4 values[LANE_QUADS];
                [[unroll]] for (uint j = 0; j < LANE_QUADS; ++j)
                    values[j] = firstQuad + j < QUADS ? cacheQuad(true, base, firstQuad + j) : vec4(0.0);
                [[unroll]] for (uint query = 0; query < QUERIES; ++query) {
                    const uint at = query * TILE + c;
                    const float p = probabilities[at >> 2][at & 3];
                    [[unroll]] for (uint j = 0; j < LANE_QUADS; ++j)
                        sums[query * LANE_QUADS + j] = fma(vec4(p), values[j], sums[query * LANE_QUADS + j]);
                }
            }
        }
        barrier(); // the next tile overwrites the probabilities
    }

    // Add up the row groups' sums (the probabilities have room: ROW_GROUPS * SUM_LANES <= LANES).
    const uint slots = SUM_LANES * LANE_QUADS;
    if (rowGroup < ROW_GROUPS)
        [[unroll]] for (uint query = 0; query < QUERIES; ++query)
            [[unroll]] for (uint j = 0; j < LANE_QUADS; ++j)
                probabilities[(rowGroup * QUERIES + query) * slots + firstQuad + j] = sums[query * LANE_QUADS + j];
    barrier();
    if (lane >= SUM_LANES)
        return;
    [[unroll]] for (uint query = 0; query < QUERIES; ++query) {
        const uint row = firstRow + query / QUERY_HEADS;
        const uint inGroup = firstInGroup + query % QUERY_HEADS;
        if (row >= rows || inGroup >= GROUP)
            continue;
        const uint head = kvHead * GROUP + inGroup;
        const uint at = PARTIAL ? ((row * heads + head) * splits + split) * (HEAD_DIM + 2) : row * queryCols + head * HEAD_DIM;
        // Every query sees at least one row (its own, or all of them), so the sum is positive.
        const float factor = PARTIAL ? 1.0 : 1.0 / runningSum[query];
        [[unroll]] for (uint j = 0; j < LANE_QUADS; ++j) {
            const uint quad = firstQuad + j;
            vec4 total = probabilities[query * slots + quad];
            for (uint g = 1; g < ROW_GROUPS; ++g)
                total += probabilities[(g * QUERIES + query) * slots + quad];
            for (uint i = 0; i < 4 && quad * 4 + i < HEAD_DIM; ++i)
                results[at + quad * 4 + i] = total[i] * factor;
        }
        if (PARTIAL && lane == 0) {
            results[at + HEAD_DIM] = runningMax[query];
            results[at + HEAD_DIM + 1] = runningSum[query];
        }
    }
}
