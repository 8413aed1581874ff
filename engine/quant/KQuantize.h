#pragma once

#include "BlockLayouts.h"

// ggml's reference K-quant quantizers (quantize_row_q*_K_ref), one super-block of 256 values at a time.
namespace glassbox::quant {

void quantizeBlockQ2_K(const float *x, BlockQ2_K &block);
void quantizeBlockQ3_K(const float *x, BlockQ3_K &block);
void quantizeBlockQ4_K(const float *x, BlockQ4_K &block);
void quantizeBlockQ5_K(const float *x, BlockQ5_K &block);
void quantizeBlockQ6_K(const float *x, BlockQ6_K &block);

} // namespace glassbox::quant
