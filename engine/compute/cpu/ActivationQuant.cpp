#include "ActivationQuant.h"

#include "quant/Half.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace glassbox::compute
{

namespace
{

// One block of 32 the way llama.cpp's x86 code does it (quantize_row_q8_0/q8_1 with AVX2): the scale
// is amax / 127, the multiplier 127 / amax (not 1 / scale), rounded to nearest even. ggml's portable
// reference differs in both, and every differently rounded quant moves a dot product by a step.
// Returns the float scale and the sum of the quants.
float quantizeBlock32(const float *x, std::int8_t *qs, int &sum)
{
    float amax = 0.0f;
    for (int j = 0; j < quant::kQK; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float multiplier = amax != 0.0f ? 127.0f / amax : 0.0f;
    sum = 0;
    for (int j = 0; j < quant::kQK; ++j) {
        const int q = static_cast<int>(std::nearbyint(x[j] * multiplier));
        qs[j] = static_cast<std::int8_t>(q);
        sum += q;
    }
    return d;
}

} // namespace

void quantizeActivationsQ8_0(const float *x, BlockQ8_0 *out, std::size_t n)
{
    for (std::size_t b = 0; b < n / quant::kQK; ++b) {
        int sum = 0;
        out[b].d = quant::floatToHalf(quantizeBlock32(x + b * quant::kQK, out[b].qs, sum));
    }
}

void quantizeActivationsQ8_1(const float *x, BlockQ8_1 *out, std::size_t n)
{
    for (std::size_t b = 0; b < n / quant::kQK; ++b) {
        int sum = 0;
        const float d = quantizeBlock32(x + b * quant::kQK, out[b].qs, sum);
        out[b].d = quant::floatToHalf(d);
        out[b].s = quant::floatToHalf(d * static_cast<float>(sum)); // the unrounded d, as ggml
    }
}

// ggml's quantize_row_q8_K_ref (x86 has no vector version): the element of largest magnitude maps
// to -127, so a positive maximum gives a negative scale; nearest-even rounding.
void quantizeActivationsQ8_K(const float *x, BlockQ8_K *out, std::size_t n)
{
    for (std::size_t b = 0; b < n / quant::kQK_K; ++b) {
        const float *values = x + b * quant::kQK_K;
        BlockQ8_K &block = out[b];
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < quant::kQK_K; ++j) {
            if (std::fabs(values[j]) > amax) {
                amax = std::fabs(values[j]);
                max = values[j];
            }
        }
        if (amax == 0.0f) {
            std::memset(&block, 0, sizeof block);
            continue;
        }
        const float inverseScale = -127.0f / max;
        for (int j = 0; j < quant::kQK_K; ++j)
            block.qs[j] = static_cast<std::int8_t>(std::min(127.0f, std::nearbyint(inverseScale * values[j])));
        for (int g = 0; g < quant::kQK_K / 16; ++g) {
            int sum = 0;
            for (int j = 0; j < 16; ++j)
                sum += block.qs[16 * g + j];
            block.bsums[g] = static_cast<std::int16_t>(sum);
        }
        block.d = 1.0f / inverseScale;
    }
}

} // namespace glassbox::compute
