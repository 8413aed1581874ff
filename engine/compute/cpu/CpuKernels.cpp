#include "CpuKernels.h"

#include "compute/cpu/HotLoop.h"

#include <algorithm>
#include <cmath>

namespace glassbox::compute::kernels
{

GLASSBOX_HOT_LOOP float dot(const float *a, const float *b, std::size_t n)
{
    // Independent partial sums let the compiler keep them in vector registers; a single running
    // sum would pin it to one lane, since float addition may not be reordered.
    constexpr std::size_t kLanes = 16;
    float partial[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t lane = 0; lane < kLanes; ++lane)
            partial[lane] += a[i + lane] * b[i + lane];
    float sum = 0.0f;
    for (; i < n; ++i)
        sum += a[i] * b[i];
    for (float value : partial)
        sum += value;
    return sum;
}

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
        const float x0 = x[i];
        const float x1 = x[i + 1];
        x[i] = x0 * c - x1 * s;
        x[i + 1] = x0 * s + x1 * c;
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
        const float x0 = x[i];
        const float x1 = x[i + half];
        x[i] = x0 * c - x1 * s;
        x[i + half] = x0 * s + x1 * c;
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
    constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
    constexpr float kCubic = 0.044715f;
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * (1.0f + kCubic * x * x)));
}

void softmax(float *x, std::size_t n)
{
    if (n == 0)
        return;
    const float max = *std::max_element(x, x + n);
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += x[i];
    }
    const float inverse = static_cast<float>(1.0 / sum);
    for (std::size_t i = 0; i < n; ++i)
        x[i] *= inverse;
}

void swiglu(float *gate, const float *up, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void add(float *x, const float *y, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        x[i] += y[i];
}

void addScaled(float *out, const float *v, float weight, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] += weight * v[i];
}

} // namespace glassbox::compute::kernels
