#include "GoldenData.h"
#include "gguf/GgufFile.h"
#include "quant/Dequantize.h"
#include "quant/Half.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <QDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <map>

using namespace glassbox;
using namespace glassbox::quant;
using namespace glassbox::quant::test;
using gguf::TensorType;

namespace {

std::vector<float> dequantizeTensor(const gguf::TensorInfo &tensor)
{
    std::vector<float> values(tensor.elementCount);
    const auto rowLength = std::int64_t(tensor.rowLength());
    const std::size_t bytes = rowBytes(tensor.type, rowLength);
    for (std::uint64_t r = 0; r < tensor.rowCount(); ++r)
        dequantizeRow(tensor.type, tensor.data + r * bytes, values.data() + r * std::uint64_t(rowLength), rowLength);
    return values;
}

} // namespace

class DequantizeTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The same bytes give the same floats as ggml's to_float, bit for bit.
    void matchesGgml_data()
    {
        QTest::addColumn<TensorType>("type");
        for (const TensorType type : goldenTypes())
            QTest::newRow(qPrintable(typeName(type))) << type;
    }

    void matchesGgml()
    {
        QFETCH(TensorType, type);
        const Golden golden = readGolden(typeName(type) + QStringLiteral(".dequant.golden"));
        QCOMPARE(golden.type, type);
        QCOMPARE(golden.floats.size(), std::size_t(golden.elementCount));
        std::vector<float> out(golden.elementCount);
        dequantizeRow(type, golden.bytes.data(), out.data(), golden.elementCount);
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (std::bit_cast<std::uint32_t>(out[i]) != std::bit_cast<std::uint32_t>(golden.floats[i]))
                QFAIL(qPrintable(QStringLiteral("%1 (%2) element %3: %4, ggml %5")
                                     .arg(typeName(type), QString::fromStdString(golden.source))
                                     .arg(i)
                                     .arg(double(out[i]), 0, 'g', 9)
                                     .arg(double(golden.floats[i]), 0, 'g', 9)));
        }
    }

    void halfConversionsRoundTrip()
    {
        for (std::uint32_t h = 0; h < 0x10000; ++h) {
            const float f = halfToFloat(std::uint16_t(h));
            if (std::isnan(f)) {
                QVERIFY(std::isnan(halfToFloat(floatToHalf(f))));
                continue;
            }
            QCOMPARE(floatToHalf(f), std::uint16_t(h));
            QCOMPARE(floatToBf16(bf16ToFloat(std::uint16_t(h))), std::uint16_t(h));
        }
        QCOMPARE(halfToFloat(0x3c00), 1.0f);
        QCOMPARE(halfToFloat(0x0001), 0x1p-24f);
        QCOMPARE(floatToHalf(65504.0f), std::uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65519.99f), std::uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65520.0f), std::uint16_t(0x7c00)); // the tie rounds to even: infinity
        QCOMPARE(floatToHalf(0x1p-25f), std::uint16_t(0x0000)); // tie between 0 and 2^-24: even
        QCOMPARE(floatToHalf(0x3p-25f), std::uint16_t(0x0002)); // tie between 1 and 2 units: even
        QCOMPARE(floatToHalf(-1.0f + 0x1p-12f), std::uint16_t(0xbc00)); // below half an ulp
        QCOMPARE(floatToBf16(1.0f + 0x1p-8f), std::uint16_t(0x3f80)); // tie to even
        QCOMPARE(floatToBf16(1.0f + 0x3p-8f), std::uint16_t(0x3f82));
    }

    void rejectsUnsupportedTypes()
    {
        for (const TensorType type : {TensorType::IQ2_XXS, TensorType::IQ4_NL, TensorType::TQ1_0, TensorType::MXFP4, TensorType::Q8_1,
                                      TensorType::Q8_K, TensorType::I32}) {
            QVERIFY(!isSupportedWeightType(type));
            try {
                requireSupported(type, "blk.0.attn_q.weight");
                QFAIL("no error");
            } catch (const Error &error) {
                const std::string expected = "unsupported tensor type " + std::string(gguf::tensorTypeName(type)) + " in tensor 'blk.0.attn_q.weight'";
                QVERIFY2(std::string(error.what()).starts_with(expected), error.what());
            }
            float out[256];
            const std::uint8_t bytes[512] = {};
            QVERIFY_THROWS_EXCEPTION(Error, dequantizeRow(type, bytes, out, 256));
        }
        for (const TensorType type : goldenTypes())
            QVERIFY(isSupportedWeightType(type));
        float out[64];
        const std::uint16_t bytes[64] = {};
        QVERIFY_THROWS_EXCEPTION(Error, dequantizeRow(TensorType::Q4_0, bytes, out, 48)); // one and a half blocks
    }

    // Every tensor of every reference model is of a supported type and dequantizes to finite values.
    void everyReferenceTensorIsFinite()
    {
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        const auto files = dir.entryList({QStringLiteral("*.gguf")});
        QVERIFY(files.size() >= 24);
        for (const QString &name : files) {
            const gguf::GgufFile file(dir.filePath(name).toStdString());
            for (const gguf::TensorInfo &tensor : file.tensors()) {
                requireSupported(tensor.type, tensor.name);
                const std::vector<float> values = dequantizeTensor(tensor);
                for (const float v : values) {
                    if (!std::isfinite(v))
                        QFAIL(qPrintable(name + QStringLiteral(": ") + QString::fromStdString(tensor.name) + QStringLiteral(" has a non-finite value")));
                }
            }
        }
    }

    // llama.cpp's quantizations of synthetic-F32 dequantize close to it. Prints the worst relative
    // RMSE of each tensor type in each file.
    void quantizedModelsStayCloseToF32()
    {
        // Upper bounds on sqrt(mean err^2) / sqrt(mean x^2) per tensor, about 1.25x the worst these
        // files show (Gaussian weights in synthetic, trained ones in stories260K).
        const std::map<TensorType, double> bounds = {
            {TensorType::F16, 0.0005},  {TensorType::BF16, 0.003}, {TensorType::Q8_0, 0.008}, {TensorType::Q6_K, 0.022},
            {TensorType::Q5_1, 0.05},  {TensorType::Q5_0, 0.06},  {TensorType::Q5_K, 0.045}, {TensorType::Q4_1, 0.11},
            {TensorType::Q4_0, 0.12},  {TensorType::Q4_K, 0.09},  {TensorType::Q3_K, 0.19},   {TensorType::Q2_K, 0.37},
        };
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        for (const QString &family : {QStringLiteral("synthetic"), QStringLiteral("stories260K")}) {
            const gguf::GgufFile reference(dir.filePath(family + QStringLiteral("-F32.gguf")).toStdString());
            for (const QString &name : dir.entryList({family + QStringLiteral("-*.gguf")})) {
                if (name.endsWith(QStringLiteral("-F32.gguf")))
                    continue;
                const gguf::GgufFile file(dir.filePath(name).toStdString());
                std::map<TensorType, double> worst;
                for (const gguf::TensorInfo &tensor : file.tensors()) {
                    if (tensor.type == TensorType::F32)
                        continue;
                    const gguf::TensorInfo *original = reference.findTensor(tensor.name);
                    QVERIFY(original && original->elementCount == tensor.elementCount);
                    const std::vector<float> values = dequantizeTensor(tensor);
                    const auto *x = reinterpret_cast<const float *>(original->data);
                    worst[tensor.type] = std::max(worst[tensor.type], relativeRmse(x, values.data(), values.size()));
                }
                QString line = name + QStringLiteral(":");
                for (const auto &[type, error] : worst)
                    line += QStringLiteral(" %1 %2").arg(typeName(type)).arg(error, 0, 'f', 4);
                qInfo("%s", qPrintable(line));
                for (const auto &[type, error] : worst)
                    QVERIFY2(error < bounds.at(type), qPrintable(line));
            }
        }
    }
};

QTEST_GUILESS_MAIN(DequantizeTest)
#include "DequantizeTest.moc"
