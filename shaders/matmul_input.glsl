// How the matmul shaders read x. For the quantized and half weight types, x is not the F32 input
// itself but its rounding by quantize_input.comp (what the CPU backend multiplies with): row t starts
// at t * xStride; for the formats with a minimum (FORMAT_BLOCK_MINIMUM: Q4_1, Q5_1) the row's floats
// are followed by each block's sum s, and the weight's minimum m is taken per block as m * s like the
// CPU does (s is rounded to a half, so it differs from the sum of the rounded x values).

#ifdef FORMAT_BLOCK_MINIMUM
#define dequantizeProducts dequantizeUnitWithoutMinimum
#else
#define dequantizeProducts dequantizeUnit
#endif

// The block sum s of block `block` of the x row starting at xRow (FORMAT_BLOCK_MINIMUM only).
float inputBlockSum(uint xRow, uint block)
{
    return x[xRow + columns + block];
}
