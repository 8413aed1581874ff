#version 450

// Rotary position embedding, in place. One invocation per (row, rotated pair): it computes the
// pair's angle once and turns that pair in every head of the row. The angle follows the CPU
// backend (ggml) step by step: theta starts at the position and is multiplied by `step` (computed on
// the host) once per pair, so it rounds exactly the same; sin and cos are our own, as GLSL only
// promises 2^-11 absolute accuracy in [-pi, pi] and nothing beyond, and positions reach thousands of
// radians.

layout(local_size_x_id = 0, local_size_x = 64) in;

#include "grid.glsl"

layout(std430, set = 0, binding = 0) buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Positions { int positions[]; };

layout(push_constant) uniform Parameters {
    uint rows;
    uint heads;
    uint headDim;
    uint pairs; // rotated pairs per head: dims / 2
    float step; // freqBase^(-2 / dims)
    float freqScale;
    uint neox; // pairs (i, i + pairs) rather than (2i, 2i + 1)
};

// sin and cos of an angle: Cody-Waite reduction by pi/2 and Cephes' sinf/cosf polynomials on
// [-pi/4, pi/4]. pi/2 is split into parts of at most 5 significant bits, so q * part is exact for
// |q| < 2^19 and, by Sterbenz's lemma, so is each subtraction: accurate to ~1.2e-7 (checked against
// sinf/cosf) up to |angle| ~ 8e5, far beyond any context length.
void sinCos(float angle, out float s, out float c)
{
    const float q = roundEven(angle * 0.636619772367581343);
    // precise: the compiler must neither fuse nor regroup the reduction.
    precise float r = angle - q * 1.5625;
    r = r - q * 0.0078125;
    r = r - q * 0.0004730224609375;
    r = r - q * 1.049041748046875e-05;
    r = r - q * 3.129243850708008e-07;
    r = r - q * 9.92093629470503e-10;
    const float z = r * r;
    const float sine = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
    const float cosine = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
    const int quadrant = int(q) & 3;
    s = quadrant == 0 ? sine : quadrant == 1 ? cosine : quadrant == 2 ? -sine : -cosine;
    c = quadrant == 0 ? cosine : quadrant == 1 ? -sine : quadrant == 2 ? -cosine : sine;
}

void main()
{
    const uint item = flatInvocationIndex();
    if (item >= rows * pairs)
        return;
    const uint row = item / pairs;
    const uint pair = item - row * pairs;
    precise float theta = float(positions[row]);
    for (uint i = 0u; i < pair; ++i)
        theta *= step;
    float s, c;
    sinCos(theta * freqScale, s, c);
    const uint first = neox != 0u ? pair : 2u * pair;
    const uint second = neox != 0u ? pair + pairs : 2u * pair + 1u;
    for (uint head = 0u; head < heads; ++head) {
        const uint base = (row * heads + head) * headDim;
        const float a = x[base + first];
        const float b = x[base + second];
        // The two fused multiply-adds of ggml's rope as GCC compiles it.
        x[base + first] = fma(a, c, -(b * s));
        x[base + second] = fma(a, s, b * c);
    }
}
