// Float primitives that round exactly like the CPU reference (engine/compute/cpu/GgmlMath.h, llama.cpp's
// AVX2 build): the same FMAs and the same order of additions.
//
// Compilers must not reorder or fuse any of it. `precise` forbids fusing a product into an addition,
// but Mesa's lavapipe (22.x) still reassociates additions under it, so every rounded result that feeds
// another addition passes through fence(): a bit identity that the compiler cannot see through,
// because the includer defines FENCE_ZERO as an expression that is zero at run time but that the
// compiler cannot evaluate (a push constant's high bits).

// Whether the device's fma() rounds once, as the CPU's FMA does: FmaProbe finds out at start-up,
// and every pipeline of a shader that includes this file gets the answer (ComputePipeline). Vulkan
// lets fma() be a rounded product plus an addition (lavapipe's is); then exactFma emulates it.
layout(constant_id = 16) const bool FUSED_FMA = false;

float fence(float x)
{
    return uintBitsToFloat(floatBitsToUint(x) ^ FENCE_ZERO);
}

// a + b = s + e exactly (Knuth's TwoSum).
void twoSum(float a, float b, out float s, out float e)
{
    precise const float sum = fence(a + b);
    precise const float v = fence(sum - a);
    precise const float error = fence(a - fence(sum - v)) + fence(b - v);
    s = sum;
    e = fence(error);
}

// a · b = p + e exactly, without an FMA (Dekker's product with Veltkamp's split).
void exactProduct(float a, float b, out float p, out float e)
{
    precise const float product = fence(a * b);
    precise const float ca = fence(4097.0 * a);
    precise const float ah = fence(ca - fence(ca - a));
    precise const float al = fence(a - ah);
    precise const float cb = fence(4097.0 * b);
    precise const float bh = fence(cb - fence(cb - b));
    precise const float bl = fence(b - bh);
    precise const float error = fence(fence(fence(fence(ah * bh) - product) + fence(ah * bl)) + fence(al * bh)) + fence(al * bl);
    p = product;
    e = fence(error);
}

// a · b + c rounded once without a fused fma(): Boldo and Melquiond's emulation (rounding to odd,
// itself emulated from an exact sum), exact for operands far from overflow and underflow.
float emulatedFma(float a, float b, float c)
{
    float uh, ul, th, tl, vh, vl, w, error;
    exactProduct(a, b, uh, ul);
    twoSum(c, ul, th, tl);
    twoSum(uh, th, vh, vl);
    twoSum(tl, vl, w, error);
    // Round w to odd: an inexact sum that landed on an even mantissa moves one ulp toward the exact value.
    uint bits = floatBitsToUint(w);
    if (error != 0.0 && (bits & 1u) == 0u)
        bits += (error > 0.0) == (w > 0.0) ? 1u : 0xffffffffu;
    precise const float result = vh + uintBitsToFloat(bits);
    return fence(result);
}

// a · b + c rounded once, as a true FMA does.
float exactFma(float a, float b, float c)
{
    // One return only: glslc's optimizer (shaderc 2023.2) crashes on early returns in unrolled code.
    float result;
    if (FUSED_FMA) {
        precise const float fused = fma(a, b, c);
        result = fence(fused);
    } else {
        result = emulatedFma(a, b, c);
    }
    return result;
}

// a + b, rounded on its own.
float add(float a, float b)
{
    precise const float sum = a + b;
    return fence(sum);
}

// ggml_v_expf (AVX2) for one lane.
float ggmlExp(float x)
{
    const float r = 12582912.0; // 0x1.8p23
    const float z = exactFma(x, uintBitsToFloat(0x3fb8aa3bu), r);
    precise const float n = fence(z - r);
    const float b = exactFma(-n, uintBitsToFloat(0x35bfbe8eu), exactFma(-n, uintBitsToFloat(0x3f317200u), x));
    const uint e = floatBitsToUint(z) << 23;
    const float k = uintBitsToFloat(e + floatBitsToUint(1.0));
    precise const float u = fence(b * b);
    precise const float bLinear = fence(uintBitsToFloat(0x3f7ffff6u) * b);
    const float j = exactFma(exactFma(exactFma(uintBitsToFloat(0x3c072010u), b, uintBitsToFloat(0x3d2b9f17u)), u,
                                      exactFma(uintBitsToFloat(0x3e2aaf33u), b, uintBitsToFloat(0x3efffedbu))),
                             u, bLinear);
    if (!(abs(n) > 126.0))
        return exactFma(k, j, k);
    // Outside the normal range 2^n is applied in two steps (or saturates).
    const uint g = n <= 0.0 ? 0x82000000u : 0u;
    const float s1 = uintBitsToFloat(g + 0x7f000000u);
    const float s2 = uintBitsToFloat(e - g);
    if (abs(n) > 192.0)
        return s1 * s1;
    precise const float scaled = exactFma(s2, j, s2) * s1;
    return fence(scaled);
}

// The horizontal sum of one 8-lane register (ggml's softmax, tinyBLAS): high + low half, then
// (0 + 2) + (1 + 3).
float sumLanes(float lanes[8])
{
    const float half0 = add(lanes[4], lanes[0]), half1 = add(lanes[5], lanes[1]);
    const float half2 = add(lanes[6], lanes[2]), half3 = add(lanes[7], lanes[3]);
    return add(add(half0, half2), add(half1, half3));
}

// The reduction of ggml_vec_dot_f32/f16's four registers (element i in register i % 32 / 8, lane
// i % 8, so flat index i % 32): (0 + 2) + (1 + 3) per lane, high + low half, (0 + 1) + (2 + 3).
float blocksTotal(float acc[32])
{
    float halves[4];
    [[unroll]] for (uint l = 0; l < 4; ++l) {
        const float low = add(add(acc[l], acc[16 + l]), add(acc[8 + l], acc[24 + l]));
        const float high = add(add(acc[l + 4], acc[20 + l]), add(acc[12 + l], acc[28 + l]));
        halves[l] = add(high, low);
    }
    return add(add(halves[0], halves[1]), add(halves[2], halves[3]));
}

// A sum kept as an unevaluated pair hi + lo (about 48 bits): stands in for the CPU's double
// accumulators, which devices without float64 cannot run. It rounds to the same float as the
// double sum except in ties too rare to matter.
vec2 wideAdd(vec2 sum, float x)
{
    float s, error;
    twoSum(sum.x, x, s, error);
    const float lo = add(sum.y, error);
    float hi, rest;
    twoSum(s, lo, hi, rest);
    return vec2(hi, rest);
}

// 1 - c · (hi + lo), nearly exactly (1 - c · hi is exact for c near 1 / hi).
float inverseResidual(vec2 sum, float c)
{
    precise const float low = fence(sum.y * c);
    precise const float residual = exactFma(-sum.x, c, 1.0) - low;
    return fence(residual);
}

// The float nearest 1 / (hi + lo), as the CPU's float(1.0 / sum) in double: a Newton step from the
// driver's division (which need not be correctly rounded), then whichever neighbour leaves the
// smallest residual.
float wideInverse(vec2 sum)
{
    const float guess = 1.0 / sum.x;
    const float r = exactFma(guess, inverseResidual(sum, guess), guess);
    float best = r;
    float bestResidual = abs(inverseResidual(sum, r));
    for (uint i = 0; i < 2; ++i) {
        const float c = uintBitsToFloat(floatBitsToUint(r) + (i == 0 ? 1u : 0xffffffffu));
        const float residual = abs(inverseResidual(sum, c));
        if (residual < bestResidual) {
            best = c;
            bestResidual = residual;
        }
    }
    return best;
}

// The float nearest (hi + lo) / d: the driver's division (which need not be correctly rounded),
// then whichever neighbour leaves the smallest remainder hi - c · d + lo (hi - c · d is exact for c
// near the quotient).
float wideQuotient(vec2 dividend, float d)
{
    const float guess = dividend.x / d;
    float best = guess;
    float bestRemainder = uintBitsToFloat(0x7f800000u); // infinity
    for (uint i = 0; i < 3; ++i) {
        const float c = uintBitsToFloat(floatBitsToUint(guess) + (i == 0 ? 0u : i == 1 ? 1u : 0xffffffffu));
        const float remainder = abs(add(exactFma(-c, d, dividend.x), dividend.y));
        if (remainder < bestRemainder) {
            best = c;
            bestRemainder = remainder;
        }
    }
    return best;
}
