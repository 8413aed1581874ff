#pragma once

#include <bit>
#include <cstdint>

// The scale searches of ggml's reference K-quant quantizers (make_qx_quants, make_q3_quants,
// make_qkx2_quants in ggml-quants.c), with the same float operations in the same order so that the
// chosen quants, and therefore the bytes, are identical.
namespace glassbox::quant {

// Round to nearest, ties to even, for |value| < 2^22: adding 1.5 * 2^23 leaves the rounded integer in
// the low mantissa bits (ggml's nearest_int).
inline int nearestInt(float value)
{
    const std::int32_t bits = std::bit_cast<std::int32_t>(value + 12582912.0f);
    return (bits & 0x007fffff) - 0x00400000;
}

// Symmetric quants q in [-nmax, nmax - 1] for `n` values: tries 19 scales around -nmax / max and keeps
// the one with the least x^2-weighted squared error. Writes q + nmax to `levels`, returns the scale.
// (make_qx_quants with rmse_type 1 and no importance weights.)
float searchSymmetricScale(int n, int nmax, const float *x, std::int8_t *levels);

// Symmetric quants for Q3_K: starts from -nmax / max and then moves single quants while that lowers
// the x^2-weighted error (make_q3_quants with do_rmse). Writes q + nmax to `levels`, returns the scale.
float searchQ3Scale(int n, int nmax, const float *x, std::int8_t *levels);

struct ScaleMin {
    float scale;
    float min; // subtracted: x ~ scale * q - min, min >= 0
};

// Asymmetric quants q in [0, nmax] with a minimum: tries nstep + 1 scales (nmax + rmin + rdelta * i)
// / range and fits scale and min by weighted least squares for each, keeping the one with the least
// weighted error (squared, or absolute with `useMad`). `scratch` holds n bytes. (make_qkx2_quants.)
ScaleMin searchScaleMin(int n, int nmax, const float *x, const float *weights, std::uint8_t *levels, std::uint8_t *scratch,
                        float rmin, float rdelta, int nstep, bool useMad);

} // namespace glassbox::quant
