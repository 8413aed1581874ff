#version 450
#extension GL_EXT_control_flow_attributes : require

// Attention in the CPU reference's rounding order (engine/compute/cpu/GgmlAttention.h, i.e.
// llama.cpp's CPU backend): the same K·q lanes, the same softmax (ggml's exp, 8-lane register sums
// added in order, one inverse) and the same V lanes, bit for bit (ggml_float.glsl says how); only a
// soft cap differs, through GLSL's tanh. Last-bit differences here become flipped 8-bit
// activation quanta in the next matmul, which is what keeps quantized models from agreeing with the
// CPU otherwise. attention.comp (online softmax, split over the cache) is the faster alternative on
// GPUs. Decode is not split over the cache here: each value lane is one sequential chain of FMAs
// over the cache rows, which a split would reorder.
//
// Workgroup (x, y) = (query head, query row). Three passes over the visible cache rows: scores and
// their max, ggml's exps and their sum, then the probabilities times the values. The scores stay
// in workgroup memory when they fit (CAPACITY rows); longer spans recompute them per pass, so no
// score matrix ever reaches global memory. Each value dimension is summed in the CPU's lanes:
// cache row t goes to lane t % 8 (a batch: llamafile's tinyBLAS) or t % 32 (one query:
// ggml_vec_dot's four registers), each lane a sequential FMA chain owned by one invocation.
// The cache is read through texel buffers, a row's 8 elements at a time (attention.glsl).

layout(local_size_x_id = 0, local_size_x = 64) in; // a multiple of 32
layout(constant_id = 1) const uint HEAD_DIM = 64;
layout(constant_id = 2) const uint GROUP = 1; // query heads per KV head
layout(constant_id = 3) const bool BATCH = false; // more than one query row
layout(constant_id = 4) const uint KEY_FORMAT = 0; // attention.glsl
layout(constant_id = 5) const uint VALUE_FORMAT = 0;
layout(constant_id = 6) const uint CAPACITY = 4096; // scores kept in workgroup memory

const uint LANES = gl_WorkGroupSize.x;
const uint CHAINS = BATCH ? 8 : 32;
const uint OCTETS = (HEAD_DIM + 7) / 8; // at most LANES (VulkanAttention.cpp)
// Rows start on whole texels only when heads are a multiple of 8 elements; others read element by element.
const bool ALIGNED = HEAD_DIM % 8 == 0;

layout(std430, set = 0, binding = 0) readonly buffer Queries { float q[]; };
// Texel buffers: see attention.glsl.
layout(set = 0, binding = 1, rgba32ui) uniform restrict readonly uimageBuffer keyTexels;
layout(set = 0, binding = 2, rgba32ui) uniform restrict readonly uimageBuffer valueTexels;
// The query rows' positions, then the captured heads.
layout(std430, set = 0, binding = 3) readonly buffer HostData { uint hostData[]; };
layout(std430, set = 0, binding = 4) writeonly buffer Results { float results[]; };
// AttentionProbabilities' rows (row * captured + slot); bound to the output when nothing is captured.
layout(std430, set = 0, binding = 5) writeonly buffer Captured { float captures[]; };

layout(push_constant) uniform Parameters {
    uint rows;
    uint heads;
    uint cacheRows;
    uint window;
    float scale;
    float softcap;
    uint causal;
    uint scaleQuery; // the scale multiplies the query (llama.cpp's Gemma graphs), not the products
    uint captured; // heads captured per row
    uint columns; // of the captured rows
};

#define ATTENTION_READS_VALUES
#define ATTENTION_TEXELS
#include "attention.glsl"
// ggml's K·q for F16 keys in a batch is tinyBLAS's, which needs a multiple of 8.
const bool TINY_BLAS_KEYS = HALF_KEYS && BATCH && HEAD_DIM % 8 == 0;
// 0 (batches are smaller than 2^31), which the compiler cannot know: see ggml_float.glsl.
#define FENCE_ZERO (rows >> 31)
#include "ggml_float.glsl"
#include "half.glsl"

shared float query[HEAD_DIM];
shared float scores[CAPACITY]; // cache rows [base, base + CAPACITY): scores, then exps
shared float tile[LANES]; // the current tile's probabilities
shared float partials[LANES];

float roundToHalf(float x)
{
    return halfToFloat(floatToHalf(x));
}

// One FMA of a chain. Halves multiply exactly in float (F16 keys meet a query rounded to F16, an F16
// V cache probabilities rounded to F16), so there the FMA is a plain addition, far cheaper than
// emulating it.
float chainStep(bool halves, float a, float b, float acc)
{
    if (!halves)
        return exactFma(a, b, acc);
    precise const float product = a * b;
    return add(fence(product), acc);
}

// Key elements index .. index + 7 (all within the head).
void keyElements(uint index, out float elements[8])
{
    if (ALIGNED) {
        keyOctet(index, elements);
    } else {
        [[unroll]] for (uint i = 0; i < 8; ++i)
            elements[i] = keyElement(index + i);
    }
}

// Value elements index .. index + 7 of a head's dimensions first .. first + 7; those past the head count 0.
void valueElements(uint index, uint first, out float elements[8])
{
    if (ALIGNED) {
        valueOctet(index, elements);
    } else {
        [[unroll]] for (uint i = 0; i < 8; ++i)
            elements[i] = first + i < HEAD_DIM ? valueElement(index + i) : 0.0;
    }
}

// ggml_vec_dot_f32 / ggml_vec_dot_f16 / tinyBLAS of the key at element `base` with the query.
float keyDot(uint base)
{
    float key[8];
    if (TINY_BLAS_KEYS) {
        precise float lanes[8] = float[8](0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for (uint i = 0; i < HEAD_DIM; i += 8) {
            keyElements(base + i, key);
            [[unroll]] for (uint l = 0; l < 8; ++l)
                lanes[l] = chainStep(HALF_KEYS, key[l], query[i + l], lanes[l]);
        }
        return sumLanes(lanes);
    }
    precise float acc[32];
    [[unroll]] for (uint l = 0; l < 32; ++l)
        acc[l] = 0.0;
    const uint blocks = HEAD_DIM - HEAD_DIM % 32;
    for (uint i = 0; i < blocks; i += 32)
        [[unroll]] for (uint o = 0; o < 32; o += 8) {
            keyElements(base + i + o, key);
            [[unroll]] for (uint l = 0; l < 8; ++l)
                acc[o + l] = chainStep(HALF_KEYS, key[l], query[i + o + l], acc[o + l]);
        }
    float sum = blocksTotal(acc);
    if (HALF_KEYS) {
        // ggml adds the leftovers' rounded products in double.
        vec2 wide = vec2(sum, 0.0);
        for (uint i = blocks; i < HEAD_DIM; ++i) {
            precise const float product = keyElement(base + i) * query[i];
            wide = wideAdd(wide, fence(product));
        }
        return wide.x;
    }
    // GCC's leftover loop: rounded products added in chunks of 4, the last HEAD_DIM % 4 fused.
    const uint fused = HEAD_DIM - HEAD_DIM % 4;
    for (uint i = blocks; i < fused; ++i) {
        precise const float product = keyElement(base + i) * query[i];
        sum = add(sum, fence(product));
    }
    for (uint i = fused; i < HEAD_DIM; ++i)
        sum = chainStep(HALF_KEYS, keyElement(base + i), query[i], sum);
    return sum;
}

// Workgroup-wide max (order does not matter for max; every invocation must call it).
float workgroupMax(float value)
{
    const uint lane = gl_LocalInvocationIndex;
    partials[lane] = value;
    barrier();
    for (uint width = LANES / 2; width > 0; width /= 2) {
        if (lane < width)
            partials[lane] = max(partials[lane], partials[lane + width]);
        barrier();
    }
    const float total = partials[0];
    barrier();
    return total;
}

void main()
{
    const uint lane = gl_LocalInvocationIndex;
    const uint head = gl_WorkGroupID.x;
    const uint row = gl_WorkGroupID.y;
    const uint kvHead = head / GROUP;
    const uint cacheCols = heads / GROUP * HEAD_DIM;
    const uint keyOffset = kvHead * HEAD_DIM;
    const uvec2 visible = visibleRows(hostData[row], causal != 0, window, cacheRows);
    // Lanes and registers count from cache row 0: start on a multiple of 32.
    const uint base = visible.x - visible.x % 32;
    const bool kept = visible.y - base <= CAPACITY;
    const float productScale = scaleQuery != 0 ? 1.0 : scale;

    for (uint d = lane; d < HEAD_DIM; d += LANES) {
        const float x = q[(row * heads + head) * HEAD_DIM + d];
        precise const float scaled = scaleQuery != 0 ? x * scale : x;
        // ggml rounds the query to F16 for F16 keys.
        query[d] = HALF_KEYS ? roundToHalf(scaled) : scaled;
    }
    barrier();

    // Pass 1: the scores and their max.
    float localMax = NEGATIVE_INFINITY;
    for (uint t = visible.x + lane; t < visible.y; t += LANES) {
        const float score = attentionScore(keyDot(t * cacheCols + keyOffset), productScale, softcap);
        if (kept)
            scores[t - base] = score;
        localMax = max(localMax, score);
    }
    const float rowMax = workgroupMax(localMax);

    // Pass 2: exp(score - max), each register of 8 rows summed by sumLanes, the registers added in
    // order (the CPU adds them in double; rows outside the visible ones count 0).
    vec2 sum = vec2(0.0);
    for (uint first = base; first < visible.y; first += LANES) {
        const uint t = first + lane;
        float p = 0.0;
        if (t >= visible.x && t < visible.y) {
            const float score = kept ? scores[t - base] : attentionScore(keyDot(t * cacheCols + keyOffset), productScale, softcap);
            precise const float shifted = score - rowMax;
            p = ggmlExp(shifted);
            if (kept)
                scores[t - base] = p;
        }
        tile[lane] = p;
        barrier();
        if (lane == 0) {
            for (uint r = 0; r < LANES && first + r < visible.y; r += 8) {
                float lanes[8];
                [[unroll]] for (uint l = 0; l < 8; ++l)
                    lanes[l] = tile[r + l];
                sum = wideAdd(sum, sumLanes(lanes));
            }
            partials[0] = wideInverse(sum);
        }
        barrier();
    }
    const float inverse = partials[0];

    // Pass 3: the probabilities (captured if asked for), then the value sums in the CPU's lanes.
    uint slot = captured;
    for (uint j = 0; j < captured; ++j)
        if (hostData[rows + j] == head)
            slot = j;
    const uint captureAt = (row * captured + slot) * columns;
    if (slot < captured)
        for (uint t = lane; t < columns; t += LANES)
            if (t < visible.x || t >= visible.y)
                captures[captureAt + t] = 0.0;

    // Invocation o < OCTETS owns value dimensions 8o .. 8o + 7, every chain of them: a cache row's
    // eight values are one texel load.
    const bool owner = lane < OCTETS;
    precise float acc[8 * CHAINS];
    [[unroll]] for (uint i = 0; i < 8 * CHAINS; ++i)
        acc[i] = 0.0;
    for (uint first = base; first < visible.y; first += LANES) {
        const uint t = first + lane;
        float p = 0.0;
        if (t >= visible.x && t < visible.y) {
            float e;
            if (kept) {
                e = scores[t - base];
            } else {
                precise const float shifted = attentionScore(keyDot(t * cacheCols + keyOffset), productScale, softcap) - rowMax;
                e = ggmlExp(shifted);
            }
            precise const float probability = e * inverse;
            if (slot < captured)
                captures[captureAt + t] = probability;
            // ggml rounds the probabilities to F16 for an F16 V cache.
            p = HALF_VALUES ? roundToHalf(probability) : probability;
        }
        tile[lane] = p;
        barrier();
        if (owner) {
            const uint end = min(LANES, visible.y - first);
            for (uint c = 0; c < end; c += CHAINS) {
                [[unroll]] for (uint l = 0; l < CHAINS; ++l) {
                    const uint at = first + c + l;
                    if (at >= visible.x && at < visible.y) {
                        float values[8];
                        valueElements(at * cacheCols + keyOffset + 8 * lane, 8 * lane, values);
                        const float probability = tile[c + l];
                        [[unroll]] for (uint j = 0; j < 8; ++j)
                            acc[j * CHAINS + l] = chainStep(HALF_VALUES, values[j], probability, acc[j * CHAINS + l]);
                    }
                }
            }
        }
        barrier();
    }

    if (!owner)
        return;
    [[unroll]] for (uint j = 0; j < 8; ++j) {
        const uint d = 8 * lane + j;
        if (d >= HEAD_DIM)
            break;
        float total;
        if (BATCH) {
            float lanes[8];
            [[unroll]] for (uint l = 0; l < 8; ++l)
                lanes[l] = acc[j * CHAINS + l];
            total = sumLanes(lanes);
        } else {
            float blocks[32];
            [[unroll]] for (uint l = 0; l < 32; ++l)
                blocks[l] = acc[j * CHAINS + l];
            total = blocksTotal(blocks);
        }
        results[(row * heads + head) * HEAD_DIM + d] = total;
    }
}
