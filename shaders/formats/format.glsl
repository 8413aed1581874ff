// Picks the weight format a shader variant is compiled for (shaders/CMakeLists.txt defines one of
// the FORMAT_* macros; none means F32). Every format include gives the same interface:
//   BLOCK_ELEMENTS, BLOCK_BYTES: a block's size (1 element for the float formats);
//   void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high): elements
//     [8 * unit, 8 * unit + 8) of the row starting at byte `row` (a whole block for the block formats,
//     which is why units of 8 suffice: every block is a multiple of 8 elements);
//   FORMAT_ANY_LENGTH and float dequantizeElement(uint row, uint element), for the float formats,
//     whose rows need not be a multiple of 8 elements.
//   FORMAT_BLOCK_MINIMUM and float blockMinimum(uint row, uint block), for the formats with a minimum
//     (d * q + m), which the lane sums take apart (matmul_input.glsl).
//   For the lane sums (matmul_lanes.glsl), the integers the CPU multiplies and the
//     block's scale d (float blockScale(uint row, uint block)): FORMAT_LANE_SUMS and unitQuants for
//     the legacy formats (legacy_block.glsl), FORMAT_K_LANES and unitIntegers (scale * q) for the
//     K-quants but Q2_K, with FORMAT_SUB_BLOCK_MINIMUMS (dmin, each sub-block's min) or
//     FORMAT_LANE_OFFSETS (Q6_K's sub-block scales) where the sums need them.
// The arithmetic follows quant/Dequantize.cpp, so results match the CPU's dequantization.

#include "formats/bytes.glsl"

#if defined(FORMAT_F16)
#include "formats/f16.glsl"
#elif defined(FORMAT_BF16)
#include "formats/bf16.glsl"
#elif defined(FORMAT_Q4_0)
#include "formats/q4_0.glsl"
#elif defined(FORMAT_Q4_1)
#include "formats/q4_1.glsl"
#elif defined(FORMAT_Q5_0)
#include "formats/q5_0.glsl"
#elif defined(FORMAT_Q5_1)
#include "formats/q5_1.glsl"
#elif defined(FORMAT_Q8_0)
#include "formats/q8_0.glsl"
#elif defined(FORMAT_Q2_K)
#include "formats/q2_k.glsl"
#elif defined(FORMAT_Q3_K)
#include "formats/q3_k.glsl"
#elif defined(FORMAT_Q4_K)
#include "formats/q4_k.glsl"
#elif defined(FORMAT_Q5_K)
#include "formats/q5_k.glsl"
#elif defined(FORMAT_Q6_K)
#include "formats/q6_k.glsl"
#else
#include "formats/f32.glsl"
#endif
