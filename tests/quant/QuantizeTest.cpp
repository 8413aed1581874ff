#include "GoldenData.h"
#include "gguf/GgufFile.h"
#include "quant/Dequantize.h"
#include "quant/Quantize.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <QDir>
#include <QTest>

#include <map>

using namespace glassbox;
using namespace glassbox::quant;
using namespace glassbox::quant::test;
using gguf::TensorType;

class QuantizeTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inputMatchesTheGoldenTool()
    {
        const Golden golden = readGolden(QStringLiteral("input.golden"));
        const std::vector<float> input = goldenInput();
        QCOMPARE(golden.bytes.size(), input.size() * sizeof(float));
        QVERIFY(std::memcmp(golden.bytes.data(), input.data(), golden.bytes.size()) == 0);
    }

    // The fixed input quantizes to exactly ggml's bytes (ggml_quantize_chunk without an importance
    // matrix), including the K-quants' scale searches and the zero / constant / one-signed blocks.
    void matchesGgml_data()
    {
        QTest::addColumn<TensorType>("type");
        for (const TensorType type : goldenTypes())
            QTest::newRow(qPrintable(typeName(type))) << type;
    }

    void matchesGgml()
    {
        QFETCH(TensorType, type);
        const Golden golden = readGolden(typeName(type) + QStringLiteral(".quant.golden"));
        QCOMPARE(golden.type, type);
        const std::vector<float> input = goldenInput();
        std::vector<std::uint8_t> out(rowBytes(type, std::int64_t(input.size())));
        QCOMPARE(quantizeRow(type, input.data(), out.data(), std::int64_t(input.size())), golden.bytes.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (out[i] != golden.bytes[i])
                QFAIL(qPrintable(QStringLiteral("%1: byte %2 is %3, ggml wrote %4").arg(typeName(type)).arg(i).arg(out[i]).arg(golden.bytes[i])));
        }
    }

    // Quantizing llama.cpp's F32 source tensors reproduces the bytes of llama.cpp's quantized files.
    void matchesLlamaCppModelFiles()
    {
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        std::map<TensorType, int> checkedRows;
        for (const QString &family : {QStringLiteral("synthetic"), QStringLiteral("stories260K")}) {
            const gguf::GgufFile reference(dir.filePath(family + QStringLiteral("-F32.gguf")).toStdString());
            for (const QString &name : dir.entryList({family + QStringLiteral("-*.gguf")})) {
                const gguf::GgufFile file(dir.filePath(name).toStdString());
                for (const gguf::TensorInfo &tensor : file.tensors()) {
                    if (tensor.type == TensorType::F32)
                        continue;
                    const gguf::TensorInfo *original = reference.findTensor(tensor.name);
                    QVERIFY(original);
                    // A few rows of each tensor keep the test fast under the sanitizers.
                    const std::uint64_t rows = std::min<std::uint64_t>(tensor.rowCount(), 8);
                    const auto rowLength = std::int64_t(tensor.rowLength());
                    const std::size_t bytes = rowBytes(tensor.type, rowLength);
                    std::vector<std::uint8_t> out(bytes);
                    for (std::uint64_t r = 0; r < rows; ++r) {
                        quantizeRow(tensor.type, reinterpret_cast<const float *>(original->data) + r * std::uint64_t(rowLength), out.data(), rowLength);
                        if (std::memcmp(out.data(), tensor.data + r * bytes, bytes) != 0)
                            QFAIL(qPrintable(name + QStringLiteral(": ") + QString::fromStdString(tensor.name) + QStringLiteral(" row %1 differs").arg(r)));
                    }
                    checkedRows[tensor.type] += int(rows);
                }
            }
        }
        QString line = QStringLiteral("rows identical to llama.cpp's files:");
        for (const auto &[type, rows] : checkedRows)
            line += QStringLiteral(" %1 %2").arg(typeName(type)).arg(rows);
        qInfo("%s", qPrintable(line));
        QCOMPARE(checkedRows.size(), goldenTypes().size() - 1); // every type but F32
    }

    // Quantize -> dequantize error on Gaussian-like data, relative to its RMS. The bounds are about
    // 1.2x the measured values (printed).
    void roundTripError_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<double>("bound");
        const std::pair<TensorType, double> cases[] = {
            {TensorType::F32, 0.0},     {TensorType::F16, 0.00026}, {TensorType::BF16, 0.0021}, {TensorType::Q8_0, 0.0062},
            {TensorType::Q6_K, 0.021},  {TensorType::Q5_1, 0.045}, {TensorType::Q5_0, 0.05},  {TensorType::Q5_K, 0.042},
            {TensorType::Q4_1, 0.092},   {TensorType::Q4_0, 0.1},  {TensorType::Q4_K, 0.083},  {TensorType::Q3_K, 0.175},
            {TensorType::Q2_K, 0.345},
        };
        for (const auto &[type, bound] : cases)
            QTest::newRow(qPrintable(typeName(type))) << type << bound;
    }

    void roundTripError()
    {
        QFETCH(TensorType, type);
        QFETCH(double, bound);
        constexpr int kElements = 1 << 15;
        std::uint32_t state = 7;
        std::vector<float> x(kElements);
        for (float &v : x) {
            float sum = 0; // sum of four uniforms: close enough to a Gaussian
            for (int k = 0; k < 4; ++k) {
                state = state * 1664525u + 1013904223u;
                sum += float(state >> 8) * 0x1p-24f;
            }
            v = sum - 2.0f;
        }
        std::vector<std::uint8_t> blocks(rowBytes(type, kElements));
        std::vector<float> y(kElements);
        quantizeRow(type, x.data(), blocks.data(), kElements);
        dequantizeRow(type, blocks.data(), y.data(), kElements);
        const double error = relativeRmse(x.data(), y.data(), x.size());
        qInfo("%s: relative RMSE %.5f (%.3f bits per weight)", qPrintable(typeName(type)), error, 8.0 * double(blocks.size()) / kElements);
        QVERIFY2(error <= bound, qPrintable(QString::number(error)));
    }

    void zerosStayZero()
    {
        const std::vector<float> zeros(512, 0.0f);
        for (const TensorType type : goldenTypes()) {
            std::vector<std::uint8_t> blocks(rowBytes(type, 512));
            std::vector<float> y(512, 1.0f);
            quantizeRow(type, zeros.data(), blocks.data(), 512);
            dequantizeRow(type, blocks.data(), y.data(), 512);
            for (const float v : y)
                QCOMPARE(v, 0.0f);
        }
    }

    void rejectsBadRequests()
    {
        float x[64] = {};
        std::uint8_t out[256];
        QVERIFY_THROWS_EXCEPTION(Error, quantizeRow(TensorType::Q8_0, x, out, 40));
        QVERIFY_THROWS_EXCEPTION(Error, quantizeRow(TensorType::Q4_K, x, out, 64));
        QVERIFY_THROWS_EXCEPTION(Error, quantizeRow(TensorType::IQ4_NL, x, out, 32));
    }
};

QTEST_GUILESS_MAIN(QuantizeTest)
#include "QuantizeTest.moc"
