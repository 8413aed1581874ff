#include "CpuKernels.h"

#include "compute/cpu/GgmlMath.h"
#include "quant/Half.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace glassbox::compute::kernels
{

void rmsNorm(const float *x, const float *gain, float eps, float *out, std::size_t n)
{
    // The sum of squares in double, as ggml does it: wide rows of large activations lose digits in float.
    double sumSquares = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        sumSquares += static_cast<double>(x[i] * x[i]);
    const float scale = 1.0f / std::sqrt(static_cast<float>(sumSquares / static_cast<double>(n)) + eps);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = x[i] * scale * gain[i];
}

namespace
{

// (x0, x1) rotated by the angle with cosine c and sine s, with the two FMAs ggml's rope gets from GCC
// (see GgmlMath.h for why that matters).
void rotate(float &x0, float &x1, float c, float s)
{
    const float a = x0;
    const float b = x1;
    x0 = std::fma(a, c, -(b * s));
    x1 = std::fma(a, s, b * c);
}

float geluTanh(float x)
{
    constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
    constexpr float kCubic = 0.044715f;
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * std::fma(kCubic * x, x, 1.0f)));
}

} // namespace

void rope(float *x, std::size_t dims, std::int32_t position, float freqBase, float freqScale)
{
    // The angle of pair i is position * base^(-2i/dims); stepping it by a constant factor (rather
    // than calling pow per pair) follows ggml, which keeps the rounding the same.
    const float step = std::pow(freqBase, -2.0f / static_cast<float>(dims));
    float theta = static_cast<float>(position);
    for (std::size_t i = 0; i + 1 < dims; i += 2) {
        const float angle = theta * freqScale;
        const float c = std::cos(angle);
        const float s = std::sin(angle);
        rotate(x[i], x[i + 1], c, s);
        theta *= step;
    }
}

void ropeNeox(float *x, std::size_t dims, std::int32_t position, float freqBase, float freqScale)
{
    const std::size_t half = dims / 2;
    const float step = std::pow(freqBase, -2.0f / static_cast<float>(dims));
    float theta = static_cast<float>(position);
    for (std::size_t i = 0; i < half; ++i) {
        const float angle = theta * freqScale;
        const float c = std::cos(angle);
        const float s = std::sin(angle);
        rotate(x[i], x[i + half], c, s);
        theta *= step;
    }
}

void layerNorm(const float *x, const float *gain, const float *bias, float eps, float *out, std::size_t n)
{
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        sum += static_cast<double>(x[i]);
    const float mean = static_cast<float>(sum / static_cast<double>(n));
    double sumSquares = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        sumSquares += static_cast<double>((x[i] - mean) * (x[i] - mean));
    const float scale = 1.0f / std::sqrt(static_cast<float>(sumSquares / static_cast<double>(n)) + eps);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = (x[i] - mean) * scale * gain[i] + bias[i];
}

float gelu(float x)
{
    // ggml (GGML_GELU_FP16) looks GELU up in a table of all halves, rounding x and the result to half,
    // and passes large |x| through.
    static const std::array<std::uint16_t, 1 << 16> table = [] {
        std::array<std::uint16_t, 1 << 16> values{};
        for (std::size_t h = 0; h < values.size(); ++h)
            values[h] = quant::floatToHalf(geluTanh(quant::halfToFloat(static_cast<std::uint16_t>(h))));
        return values;
    }();
    if (x <= -10.0f)
        return 0.0f;
    if (x >= 10.0f)
        return x;
    return quant::halfToFloat(table[quant::floatToHalf(x)]);
}

void swiglu(float *gate, const float *up, std::size_t n)
{
    // ggml_vec_swiglu_f32: ggml_v_silu on whole registers, then the scalar silu (std::exp) on the rest.
    const std::size_t vectorized = n - n % ggml::kLanes;
    std::size_t i = 0;
    for (; i < vectorized; ++i)
        gate[i] = ggml::silu(gate[i]) * up[i];
    for (; i < n; ++i)
        gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void add(float *x, const float *y, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        x[i] += y[i];
}

} // namespace glassbox::compute::kernels
