#include "GoldenData.h"
#include "gguf/GgufFile.h"
#include "quant/Dequantize.h"
#include "quant/ModelQuantizer.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox;
using namespace glassbox::quant;
using namespace glassbox::quant::test;
using gguf::TensorType;

class ModelQuantizerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // stories260K: n_embd 64, so every matrix but ffn_down (rows of 172) takes Q8_0 / Q4_0 blocks.
    void quantizesStories260K_data()
    {
        QTest::addColumn<TensorType>("type");
        QTest::addColumn<std::uint64_t>("fileType");
        QTest::addColumn<double>("bound");
        QTest::newRow("Q8_0") << TensorType::Q8_0 << std::uint64_t(7) << 0.01;
        QTest::newRow("Q4_0") << TensorType::Q4_0 << std::uint64_t(2) << 0.15;
    }

    void quantizesStories260K()
    {
        QFETCH(TensorType, type);
        QFETCH(std::uint64_t, fileType);
        QFETCH(double, bound);
        const std::string shared = GLASSBOX_SHARED_DIR "/reference/";
        const gguf::GgufFile input(shared + "stories260K-F32.gguf");
        const gguf::GgufFile llamaCpp(shared + "stories260K-" + std::string(gguf::tensorTypeName(type)) + ".gguf");
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("out.gguf")).toStdString();

        const QuantizeSummary summary = quantizeModel(input, path, type);
        QCOMPARE(summary.quantized, std::size_t(48 - 11 - 5)); // minus 11 norms and 5 ffn_down
        QCOMPARE(summary.kept, std::size_t(16));

        const gguf::GgufFile output(path);
        QCOMPARE(output.getUInt("general.file_type").value(), fileType);
        QCOMPARE(output.getUInt("general.quantization_version").value(), 2u);
        for (const gguf::MetadataEntry &entry : input.metadata()) {
            const gguf::Value *copied = output.find(entry.key);
            QVERIFY2(copied, entry.key.c_str());
            QCOMPARE(copied->toDisplayString(1000), entry.value.toDisplayString(1000));
        }
        QCOMPARE(output.tensors().size(), input.tensors().size());
        std::size_t identical = 0;
        for (const gguf::TensorInfo &tensor : output.tensors()) {
            const gguf::TensorInfo &original = *input.findTensor(tensor.name);
            QCOMPARE(tensor.dims, original.dims);
            const bool keeps = tensor.dims.size() == 1 || tensor.name.find("ffn_down") != std::string::npos;
            QCOMPARE(tensor.type, keeps ? TensorType::F32 : type);
            std::vector<float> values(tensor.elementCount);
            const std::size_t bytes = rowBytes(tensor.type, std::int64_t(tensor.rowLength()));
            for (std::uint64_t r = 0; r < tensor.rowCount(); ++r)
                dequantizeRow(tensor.type, tensor.data + r * bytes, values.data() + r * tensor.rowLength(), std::int64_t(tensor.rowLength()));
            const double error = relativeRmse(reinterpret_cast<const float *>(original.data), values.data(), values.size());
            QVERIFY2(error < (keeps ? 1e-12 : bound), qPrintable(QString::fromStdString(tensor.name) + QStringLiteral(": %1").arg(error)));
            // Where llama.cpp chose the same type, the bytes are the same.
            const gguf::TensorInfo &theirs = *llamaCpp.findTensor(tensor.name);
            if (theirs.type == tensor.type && tensor.type != TensorType::F32) {
                QVERIFY2(std::memcmp(theirs.data, tensor.data, tensor.byteSize) == 0, tensor.name.c_str());
                ++identical;
            }
        }
        QVERIFY(identical >= 30);
    }

    // An already-quantized source is dequantized first; rows that do not fit the blocks stay.
    void requantizesAndKeepsMisfits()
    {
        const gguf::GgufFile input(GLASSBOX_SHARED_DIR "/reference/stories260K-Q8_0.gguf");
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("k.gguf")).toStdString();
        const QuantizeSummary summary = quantizeModel(input, path, TensorType::Q4_K);
        QCOMPARE(summary.quantized, std::size_t(0)); // no row of stories260K is a multiple of 256
        const gguf::GgufFile output(path);
        for (const gguf::TensorInfo &tensor : output.tensors())
            QCOMPARE(tensor.type, input.findTensor(tensor.name)->type);

        const std::string q4 = dir.filePath(QStringLiteral("q4.gguf")).toStdString();
        QCOMPARE(quantizeModel(input, q4, TensorType::Q4_0).quantized, std::size_t(32));
        QCOMPARE(gguf::GgufFile(q4).findTensor("token_embd.weight")->type, TensorType::Q4_0);
    }

    void rejectsUnsupportedTargets()
    {
        const gguf::GgufFile input(GLASSBOX_SHARED_DIR "/reference/stories260K-F32.gguf");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.gguf"));
        QVERIFY_THROWS_EXCEPTION(Error, quantizeModel(input, path.toStdString(), TensorType::IQ2_XXS));
        QVERIFY_THROWS_EXCEPTION(Error, quantizeModel(input, path.toStdString(), TensorType::Q8_K));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(path + QStringLiteral(".part")));
    }
};

QTEST_GUILESS_MAIN(ModelQuantizerTest)
#include "ModelQuantizerTest.moc"
