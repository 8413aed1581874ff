#include "compute/cpu/ActivationQuant.h"
#include "compute/cpu/VecDot.h"
#include "quant/Dequantize.h"
#include "quant/Half.h"
#include "quant/Quantize.h"
#include "quant/SupportedTypes.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace glassbox;
using gguf::TensorType;

// The CPU backend's matmul kernels: activations converted to the weight type's vec_dot_type, then
// integer block dot products. Checked against the float dot product of the dequantized rows.
class VecDotTest : public QObject
{
    Q_OBJECT

private:
    static constexpr std::size_t kN = 1024;

    static std::vector<float> randomRow(unsigned seed)
    {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> row(kN);
        for (float &value : row)
            value = normal(rng);
        return row;
    }

private Q_SLOTS:
    void q8_0RoundsLikeLlamaCppOnX86()
    {
        // 0.5 steps: nearest-even ties, with the multiplier 127 / amax.
        std::vector<float> x(32, 0.0f);
        x[0] = 127.0f;
        x[1] = 2.5f;
        x[2] = -3.5f;
        x[3] = 1.5f;
        compute::BlockQ8_1 block;
        compute::quantizeActivationsQ8_1(x.data(), &block, 32);
        QCOMPARE(int(block.qs[0]), 127);
        QCOMPARE(int(block.qs[1]), 2);
        QCOMPARE(int(block.qs[2]), -4);
        QCOMPARE(int(block.qs[3]), 2);
        QCOMPARE(quant::halfToFloat(block.d), 1.0f);
        QCOMPARE(quant::halfToFloat(block.s), 127.0f + 2.0f - 4.0f + 2.0f);
    }

    void q8_KKeepsBlockSums()
    {
        const std::vector<float> x = randomRow(7);
        std::vector<compute::BlockQ8_K> blocks(kN / 256);
        compute::quantizeActivationsQ8_K(x.data(), blocks.data(), kN);
        for (const compute::BlockQ8_K &block : blocks) {
            QVERIFY(block.d != 0.0f);
            for (int g = 0; g < 16; ++g) {
                int sum = 0;
                for (int j = 0; j < 16; ++j)
                    sum += block.qs[16 * g + j];
                QCOMPARE(int(block.bsums[g]), sum);
            }
        }
    }

    void matchesDequantizedDot()
    {
        QFETCH(TensorType, type);
        const std::vector<float> weights = randomRow(1);
        const std::vector<float> x = randomRow(2);
        std::vector<std::uint8_t> weightRow(quant::rowBytes(type, kN));
        quant::quantizeRow(type, weights.data(), weightRow.data(), kN);
        std::vector<float> w(kN);
        quant::dequantizeRow(type, weightRow.data(), w.data(), kN);

        const compute::VecDot &vecDot = compute::vecDotFor(type);
        std::vector<std::uint8_t> activations(vecDot.activationBytes(kN));
        vecDot.convert(x.data(), activations.data(), kN);
        const float result = vecDot.dot(weightRow.data(), activations.data(), kN);

        // Against the dequantized weights times the converted activations, in double: only the
        // float rounding of the block scales and sums may differ.
        const std::vector<float> a = activationValues(type, activations.data());
        double exact = 0.0;
        double magnitude = 0.0;
        for (std::size_t i = 0; i < kN; ++i) {
            exact += double(w[i]) * a[i];
            magnitude += std::fabs(double(w[i]) * a[i]);
            // The conversion loses at most half a step of an 8-bit grid (a 1/254 of the block's maximum).
            QVERIFY(std::fabs(a[i] - x[i]) <= 4.0f / 254.0f + 1e-6f);
        }
        // Q4_1 and Q5_1 take their minimum times Σ activations from a half (Q8_1's s), as ggml does.
        const bool halfSum = type == TensorType::Q4_1 || type == TensorType::Q5_1;
        QVERIFY2(std::fabs(result - exact) <= (halfSum ? 1e-4 : 1e-6) * magnitude, qPrintable(QStringLiteral("%1 vs %2").arg(result).arg(exact)));
    }

    void matchesDequantizedDot_data()
    {
        typesData();
    }

    // The kernels built for AVX2 (where the CPU has it) and for the baseline instruction set must
    // give the same bits, for every row of a batch.
    void fastKernelsMatchPortable_data()
    {
        typesData();
    }

    void fastKernelsMatchPortable()
    {
        QFETCH(TensorType, type);
        constexpr std::size_t kRows = 3;
        for (std::size_t weightRows : {std::size_t(1), std::size_t(8)}) {
            const compute::VecDot &fast = compute::vecDotFor(type, weightRows);
            const compute::VecDot &portable = compute::vecDotFor(type, weightRows, true);
            const std::vector<float> weights = randomRow(3);
            std::vector<std::uint8_t> weightRow(quant::rowBytes(type, kN));
            quant::quantizeRow(type, weights.data(), weightRow.data(), kN);
            const std::size_t stride = fast.activationBytes(kN);
            std::vector<std::uint8_t> activations(kRows * stride);
            for (std::size_t r = 0; r < kRows; ++r)
                fast.convert(randomRow(10 + unsigned(r)).data(), activations.data() + r * stride, kN);
            float results[2][kRows];
            for (const compute::VecDot *vecDot : {&fast, &portable}) {
                std::vector<std::uint8_t> unpacked(vecDot->unpackedBytes(kN));
                vecDot->unpack(weightRow.data(), unpacked.data(), kN);
                vecDot->dotRows(unpacked.data(), activations.data(), stride, kRows, results[vecDot == &portable], 1, kN);
            }
            for (std::size_t r = 0; r < kRows; ++r) {
                QCOMPARE(std::memcmp(&results[0][r], &results[1][r], sizeof(float)), 0);
                const float single = fast.dot(weightRow.data(), activations.data() + r * stride, kN);
                QCOMPARE(std::memcmp(&results[0][r], &single, sizeof(float)), 0);
            }
        }
    }

private:
    static void typesData()
    {
        QTest::addColumn<TensorType>("type");
        for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                                TensorType::Q8_0, TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K})
            QTest::newRow(std::string(gguf::tensorTypeName(type)).c_str()) << type;
    }

    // The activation row as floats, decoded from the vec_dot_type of `type`.
    static std::vector<float> activationValues(TensorType type, const std::uint8_t *bytes)
    {
        std::vector<float> values(kN);
        switch (type) {
        case TensorType::F32:
            std::memcpy(values.data(), bytes, kN * sizeof(float));
            break;
        case TensorType::F16:
        case TensorType::BF16:
            for (std::size_t i = 0; i < kN; ++i) {
                std::uint16_t half;
                std::memcpy(&half, bytes + 2 * i, sizeof half);
                values[i] = type == TensorType::F16 ? quant::halfToFloat(half) : quant::bf16ToFloat(half);
            }
            break;
        case TensorType::Q4_1:
        case TensorType::Q5_1: {
            const auto *blocks = reinterpret_cast<const compute::BlockQ8_1 *>(bytes);
            for (std::size_t i = 0; i < kN; ++i)
                values[i] = quant::halfToFloat(blocks[i / 32].d) * blocks[i / 32].qs[i % 32];
            break;
        }
        case TensorType::Q4_0:
        case TensorType::Q5_0:
        case TensorType::Q8_0:
            quant::dequantizeRow(TensorType::Q8_0, bytes, values.data(), kN);
            break;
        default: {
            const auto *blocks = reinterpret_cast<const compute::BlockQ8_K *>(bytes);
            for (std::size_t i = 0; i < kN; ++i)
                values[i] = blocks[i / 256].d * blocks[i / 256].qs[i % 256];
        }
        }
        return values;
    }
};

QTEST_GUILESS_MAIN(VecDotTest)
#include "VecDotTest.moc"
