#include "KQuantSearch.h"

#include <algorithm>
#include <cmath>

namespace glassbox::quant {

namespace {

// Below this the group is all zeros (ggml's GROUP_MAX_EPS).
constexpr float kGroupMaxEps = 1e-15f;

int clampLevel(int l, int nmax)
{
    return std::max(-nmax, std::min(nmax - 1, l));
}

// The value of largest magnitude, with its sign.
float signedAbsMax(int n, const float *x, float &amax)
{
    float max = 0;
    amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    return max;
}

} // namespace

float searchSymmetricScale(int n, int nmax, const float *x, std::int8_t *levels)
{
    float amax;
    const float max = signedAbsMax(n, x, amax);
    if (amax < kGroupMaxEps) {
        std::fill(levels, levels + n, std::int8_t(0));
        return 0.0f;
    }
    // Weighted sums for one trial inverse scale; the weight of x is x^2.
    const auto sums = [&](float iscale, float &sumlx, float &suml2) {
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clampLevel(nearestInt(iscale * x[i]), nmax);
            const float w = x[i] * x[i];
            sumlx += w * x[i] * float(l);
            suml2 += w * float(l) * float(l);
        }
    };
    const auto assign = [&](float iscale) {
        for (int i = 0; i < n; ++i)
            levels[i] = std::int8_t(nmax + clampLevel(nearestInt(iscale * x[i]), nmax));
    };

    float iscale = float(-nmax) / max;
    float sumlx, suml2;
    sums(iscale, sumlx, suml2);
    assign(iscale);
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0)
            continue;
        iscale = -(float(nmax) + 0.1f * float(is)) / max;
        sums(iscale, sumlx, suml2);
        // Maximising sumlx^2 / suml2 minimises the weighted error at the best scale sumlx / suml2.
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            assign(iscale);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

float searchQ3Scale(int n, int nmax, const float *x, std::int8_t *levels)
{
    float amax;
    const float max = signedAbsMax(n, x, amax);
    if (amax < kGroupMaxEps) {
        std::fill(levels, levels + n, std::int8_t(0));
        return 0.0f;
    }
    const float iscale = float(-nmax) / max;
    float sumlx = 0;
    float suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clampLevel(nearestInt(iscale * x[i]), nmax);
        levels[i] = std::int8_t(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * float(l);
        suml2 += w * float(l) * float(l);
    }
    // Coordinate descent: re-round one quant at a time against the scale the others imply.
    for (int attempt = 0; attempt < 5; ++attempt) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * float(levels[i]);
            if (!(slx > 0))
                continue;
            float sl2 = suml2 - w * float(levels[i]) * float(levels[i]);
            const int l = clampLevel(nearestInt(x[i] * sl2 / slx), nmax);
            if (l == levels[i])
                continue;
            slx += w * x[i] * float(l);
            sl2 += w * float(l) * float(l);
            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                levels[i] = std::int8_t(l);
                sumlx = slx;
                suml2 = sl2;
                ++changed;
            }
        }
        if (changed == 0)
            break;
    }
    for (int i = 0; i < n; ++i)
        levels[i] = std::int8_t(levels[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

ScaleMin searchScaleMin(int n, int nmax, const float *x, const float *weights, std::uint8_t *levels, std::uint8_t *scratch,
                        float rmin, float rdelta, int nstep, bool useMad)
{
    float min = x[0];
    float max = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        min = std::min(min, x[i]);
        max = std::max(max, x[i]);
        sumW += weights[i];
        sumX += weights[i] * x[i];
    }
    min = std::min(min, 0.0f); // the offset only ever lowers the zero point
    if (max == min) {
        std::fill(levels, levels + n, std::uint8_t(0));
        return {0.0f, -min};
    }
    const auto quantizeWith = [&](float iscale, float offset, std::uint8_t *out) {
        for (int i = 0; i < n; ++i)
            out[i] = std::uint8_t(std::max(0, std::min(nmax, nearestInt(iscale * (x[i] - offset)))));
    };
    const auto error = [&](float scale, float offset, const std::uint8_t *l) {
        float total = 0;
        for (int i = 0; i < n; ++i) {
            float diff = scale * float(l[i]) + offset - x[i];
            diff = useMad ? std::fabs(diff) : diff * diff;
            total += weights[i] * diff;
        }
        return total;
    };

    float iscale = float(nmax) / (max - min);
    float scale = 1 / iscale;
    quantizeWith(iscale, min, levels);
    float bestError = error(scale, min, levels);
    for (int step = 0; step <= nstep; ++step) {
        iscale = (rmin + rdelta * float(step) + float(nmax)) / (max - min);
        quantizeWith(iscale, min, scratch);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            const float l = float(scratch[i]);
            sumL += weights[i] * l;
            sumL2 += weights[i] * l * l;
            sumXL += weights[i] * l * x[i];
        }
        const float det = sumW * sumL2 - sumL * sumL;
        if (!(det > 0))
            continue;
        float trialScale = (sumW * sumXL - sumX * sumL) / det;
        float trialMin = (sumL2 * sumX - sumL * sumXL) / det;
        if (trialMin > 0) {
            trialMin = 0;
            trialScale = sumXL / sumL2;
        }
        const float trialError = error(trialScale, trialMin, scratch);
        if (trialError < bestError) {
            std::copy(scratch, scratch + n, levels);
            bestError = trialError;
            scale = trialScale;
            min = trialMin;
        }
    }
    return {scale, -min};
}

} // namespace glassbox::quant
