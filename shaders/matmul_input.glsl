// How the matmul shaders read x (binding 1). For the quantized and half weight types, x is not the
// F32 input itself but its rounding by quantize_input.comp (what the CPU backend multiplies with):
// row t starts at t * xStride.
// INPUT_TEXELS (matmul_rows.comp, CPU drivers; matmul_ordered.comp): x is read as rgba32ui texels,
// four floats per load, since lavapipe loads a storage buffer one scalar per lane even where all
// lanes read the same address; rows then start at whole texels (xStride is a multiple of 4,
// VulkanMatmul.cpp).
// INPUT_INTEGERS (the lane sums, matmul_lanes.glsl): a row's floats are the integer quants of x,
// followed (Q8_K) by the sums of each 16, then each block's scale d, then (Q8_1, for the formats with
// a minimum) each block's sum s, by which the weight's minimum m is multiplied as the CPU does (s is
// rounded to a half, so it differs from the sum of the rounded x values).

#ifdef INPUT_TEXELS
layout(set = 0, binding = 1, rgba32ui) uniform restrict readonly uimageBuffer inputTexels;

// Texel `index` of x, clamped to the binding (reads past a row's end are discarded).
vec4 inputTexel(uint index)
{
    return uintBitsToFloat(imageLoad(inputTexels, min(int(index), imageSize(inputTexels) - 1)));
}

float inputAt(uint index)
{
    return inputTexel(index >> 2)[index & 3u];
}
#else
layout(std430, set = 0, binding = 1) readonly buffer Input { float x[]; };

float inputAt(uint index)
{
    return x[index];
}
#endif

#ifdef INPUT_INTEGERS
#if BLOCK_ELEMENTS == 256
// Q8_K: the sums of each 16 quants come first, 16 per block: texel i (0 .. 3) of block `block`'s.
vec4 inputGroupSums(uint xRow, uint block, uint i)
{
    return inputTexel((xRow + columns + 16u * block) / 4u + i);
}
#define SCALES_AT (columns + columns / 16u)
#else
#define SCALES_AT columns
#endif
// The scale d of block `block` of the x row starting at xRow.
float inputScale(uint xRow, uint block)
{
    return inputAt(xRow + SCALES_AT + block);
}

// The block sum s of block `block` of the x row starting at xRow (FORMAT_BLOCK_MINIMUM only).
float inputBlockSum(uint xRow, uint block)
{
    return inputAt(xRow + SCALES_AT + columns / BLOCK_ELEMENTS + block);
}
#endif
