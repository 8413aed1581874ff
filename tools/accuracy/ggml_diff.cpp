// Differential check of engine/compute/cpu/GgmlMath.h (and of the AVX2 order of the Q2_K and Q3_K dot
// products) against llama.cpp's AVX2 build itself: calls the exported ggml_vec_dot_f32/f16/bf16 and
// ggml_vec_dot_q2_K_q8_K/q3_K_q8_K of libggml-cpu-haswell.so on random inputs of many lengths and
// counts results that differ in any bit.
//   clang++-14 -std=c++20 -O2 -ffp-contract=off -Iengine tools/accuracy/ggml_diff.cpp -o /tmp/ggml_diff -ldl
//   /tmp/ggml_diff $LIBDIR/libggml-cpu-haswell.so
#include "compute/cpu/GgmlMath.h"
#include "quant/Half.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <random>
#include <vector>

using namespace glassbox;
using compute::ggml::kLanes;

struct BlockQ8K {
    float d;
    std::int8_t qs[256];
    std::int16_t bsums[16];
};
struct BlockQ2K {
    std::uint8_t scales[16];
    std::uint8_t qs[64];
    std::uint16_t d, dmin;
};
struct BlockQ3K {
    std::uint8_t hmask[32];
    std::uint8_t qs[64];
    std::uint8_t scales[12];
    std::uint16_t d;
};

// Lane l of the AVX2 K-quant kernels: elements e with e % 32 in [4l, 4l + 4).
int lane(int e)
{
    return e % 32 / 4;
}

// ggml_vec_dot_q2_K_q8_K (AVX2), as the engine's kernel must compute it.
float q2k(const BlockQ2K *x, const BlockQ8K *y, int nb)
{
    float acc[kLanes] = {};
    for (int b = 0; b < nb; ++b) {
        const float d = y[b].d * quant::halfToFloat(x[b].d);
        const float dmin = -y[b].d * quant::halfToFloat(x[b].dmin);
        int sums[kLanes] = {};
        for (int e = 0; e < 256; ++e) {
            const int q = (x[b].qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3;
            sums[lane(e)] += q * (x[b].scales[e / 16] & 0xf) * y[b].qs[e];
        }
        for (int l = 0; l < int(kLanes); ++l) {
            const int minimums = (x[b].scales[2 * l] >> 4) * y[b].bsums[2 * l] + (x[b].scales[2 * l + 1] >> 4) * y[b].bsums[2 * l + 1];
            acc[l] = std::fma(dmin, float(minimums), acc[l]);
            acc[l] = std::fma(d, float(sums[l]), acc[l]);
        }
    }
    return compute::ggml::sumLanes(acc);
}

int q3Scale(const std::uint8_t *scales, int s)
{
    const int low = s < 8 ? scales[s] & 0xf : scales[s - 8] >> 4;
    const int high = (scales[8 + s % 4] >> (2 * (s / 4))) & 3;
    return (low | high << 4) - 32;
}

// ggml_vec_dot_q3_K_q8_K (AVX2).
float q3k(const BlockQ3K *x, const BlockQ8K *y, int nb)
{
    float acc[kLanes] = {};
    for (int b = 0; b < nb; ++b) {
        const float d = y[b].d * quant::halfToFloat(x[b].d);
        int sums[kLanes] = {};
        for (int e = 0; e < 256; ++e) {
            const int low = (x[b].qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3;
            const bool high = (x[b].hmask[e % 32] >> (e / 32)) & 1;
            sums[lane(e)] += (low - (high ? 0 : 4)) * q3Scale(x[b].scales, e / 16) * y[b].qs[e];
        }
        for (int l = 0; l < int(kLanes); ++l)
            acc[l] = std::fma(d, float(sums[l]), acc[l]);
    }
    return compute::ggml::sumLanes(acc);
}

using VecDot = void (*)(int, float *, std::size_t, const void *, std::size_t, const void *, std::size_t, int);

int main(int argc, char **argv)
{
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        std::fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    reinterpret_cast<void (*)()>(dlsym(lib, "ggml_cpu_init"))(); // fills the half -> float table
    const auto dotF32 = reinterpret_cast<VecDot>(dlsym(lib, "ggml_vec_dot_f32"));
    const auto dotF16 = reinterpret_cast<VecDot>(dlsym(lib, "ggml_vec_dot_f16"));
    const auto dotBf16 = reinterpret_cast<VecDot>(dlsym(lib, "ggml_vec_dot_bf16"));
    std::mt19937 rng(42);
    std::normal_distribution<float> normal;
    int bad32 = 0, bad16 = 0, badBf16 = 0, total = 0;
    for (int round = 0; round < 200; ++round)
        for (int n = 1; n <= 300; n += (n < 80 ? 1 : 7)) {
            std::vector<float> x(n), y(n);
            std::vector<std::uint16_t> hx(n), hy(n), bx(n), by(n);
            for (int i = 0; i < n; ++i) {
                x[i] = normal(rng);
                y[i] = normal(rng);
                hx[i] = quant::floatToHalf(x[i]);
                hy[i] = quant::floatToHalf(y[i]);
                bx[i] = quant::floatToBf16(x[i]);
                by[i] = quant::floatToBf16(y[i]);
            }
            float theirs32, theirs16, theirsBf16;
            dotBf16(n, &theirsBf16, 0, bx.data(), 0, by.data(), 0, 1);
            const float oursBf16 = compute::ggml::vecDotBf16(bx.data(), by.data(), n, quant::bf16ToFloat);
            badBf16 += std::memcmp(&oursBf16, &theirsBf16, 4) != 0;
            dotF32(n, &theirs32, 0, x.data(), 0, y.data(), 0, 1);
            dotF16(n, &theirs16, 0, hx.data(), 0, hy.data(), 0, 1);
            const float ours32 = compute::ggml::vecDotF32(x.data(), y.data(), n);
            const float ours16 = compute::ggml::vecDotF16(hx.data(), hy.data(), n, quant::halfToFloat);
            bad32 += std::memcmp(&ours32, &theirs32, 4) != 0;
            bad16 += std::memcmp(&ours16, &theirs16, 4) != 0;
            ++total;
        }
    std::printf("vec_dot_f32: %d of %d differ; vec_dot_f16: %d of %d differ; vec_dot_bf16: %d of %d differ\n", bad32, total, bad16, total, badBf16, total);

    const auto dotQ2 = reinterpret_cast<VecDot>(dlsym(lib, "ggml_vec_dot_q2_K_q8_K"));
    const auto dotQ3 = reinterpret_cast<VecDot>(dlsym(lib, "ggml_vec_dot_q3_K_q8_K"));
    std::uniform_int_distribution<int> byte(0, 255);
    int badQ2 = 0, badQ3 = 0, totalK = 0;
    for (int round = 0; round < 3000; ++round) {
        const int nb = 1 + round % 6;
        std::vector<BlockQ8K> y(nb);
        std::vector<BlockQ2K> x2(nb);
        std::vector<BlockQ3K> x3(nb);
        for (int b = 0; b < nb; ++b) {
            y[b].d = std::fabs(normal(rng)) * 0.01f;
            for (int g = 0; g < 16; ++g) {
                int sum = 0;
                for (int k = 0; k < 16; ++k)
                    sum += y[b].qs[16 * g + k] = std::int8_t(byte(rng) - 128 < -127 ? -127 : byte(rng) - 128);
                y[b].bsums[g] = std::int16_t(sum);
            }
            auto fill = [&](std::uint8_t *p, int n) {
                for (int i = 0; i < n; ++i)
                    p[i] = std::uint8_t(byte(rng));
            };
            fill(x2[b].scales, 16);
            fill(x2[b].qs, 64);
            x2[b].d = quant::floatToHalf(std::fabs(normal(rng)) * 0.05f);
            x2[b].dmin = quant::floatToHalf(std::fabs(normal(rng)) * 0.05f);
            fill(x3[b].hmask, 32);
            fill(x3[b].qs, 64);
            fill(x3[b].scales, 12);
            x3[b].d = quant::floatToHalf(normal(rng) * 0.05f);
        }
        float theirs2, theirs3;
        dotQ2(256 * nb, &theirs2, 0, x2.data(), 0, y.data(), 0, 1);
        dotQ3(256 * nb, &theirs3, 0, x3.data(), 0, y.data(), 0, 1);
        const float ours2 = q2k(x2.data(), y.data(), nb);
        const float ours3 = q3k(x3.data(), y.data(), nb);
        badQ2 += std::memcmp(&ours2, &theirs2, 4) != 0;
        badQ3 += std::memcmp(&ours3, &theirs3, 4) != 0;
        if (round < 2)
            std::printf("q2 %.9g %.9g q3 %.9g %.9g\n", ours2, theirs2, ours3, theirs3);
        ++totalK;
    }
    std::printf("vec_dot_q2_K: %d of %d differ; vec_dot_q3_K: %d of %d differ\n", badQ2, totalK, badQ3, totalK);
    return bad32 || bad16 || badBf16 || badQ2 || badQ3;
}
