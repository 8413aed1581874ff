#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <QDir>
#include <QTest>

using namespace glassbox;
using namespace glassbox::gguf;

class GgufFileTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsStories260K()
    {
        const GgufFile file(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");
        QCOMPARE(file.version(), 3u);
        QCOMPARE(file.architecture(), std::string("llama"));
        QCOMPARE(file.tensors().size(), std::size_t(48));
        QCOMPARE(file.getUInt("llama.embedding_length").value(), 64u);
        QCOMPARE(file.getUInt("llama.block_count").value(), 5u);
        QCOMPARE(file.getUInt("llama.attention.head_count").value(), 8u);
        QCOMPARE(file.getUInt("llama.attention.head_count_kv").value(), 4u);
        QCOMPARE(file.getString("tokenizer.ggml.model").value(), std::string("llama"));
        const ValueArray *tokens = file.getArray("tokenizer.ggml.tokens");
        QVERIFY(tokens);
        QCOMPARE(tokens->elementType, ValueType::String);
        QCOMPARE(tokens->items.size(), std::size_t(512));
        QCOMPARE(*tokens->items[1].asString(), std::string("<s>"));

        std::uint64_t parameters = 0;
        for (const TensorInfo &tensor : file.tensors()) {
            QCOMPARE(tensor.type, TensorType::F32);
            QCOMPARE(tensor.byteSize, tensor.elementCount * 4);
            QVERIFY(tensor.data != nullptr);
            parameters += tensor.elementCount;
        }
        QCOMPARE(parameters, std::uint64_t(292800));
        const TensorInfo *embedding = file.findTensor("token_embd.weight");
        QVERIFY(embedding);
        QCOMPARE(embedding->dims, (std::vector<std::uint64_t>{64, 512}));
        // The last tensor's data runs exactly to the end of the file.
        std::uint64_t end = 0;
        for (const TensorInfo &tensor : file.tensors())
            end = std::max(end, file.dataOffset() + tensor.offset + tensor.byteSize);
        QCOMPARE(end, file.fileSize());
    }

    void readsEveryReferenceModel()
    {
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        const auto files = dir.entryList({QStringLiteral("*.gguf")});
        QVERIFY(files.size() >= 24);
        for (const QString &name : files) {
            const GgufFile file(dir.filePath(name).toStdString());
            QVERIFY2(!file.tensors().empty(), qPrintable(name));
            QCOMPARE(file.architecture(), std::string("llama"));
        }
    }

    void readsVocabOnlyFiles()
    {
        const GgufFile file(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-deepseek-llm.gguf");
        QVERIFY(file.tensors().empty());
        QCOMPARE(file.getArray("tokenizer.ggml.tokens")->items.size(), std::size_t(102400));
        QCOMPARE(file.getString("tokenizer.ggml.pre").value(), std::string("deepseek-llm"));
    }

    void missingFileIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(Error, GgufFile("/nonexistent/model.gguf"));
    }
};

QTEST_GUILESS_MAIN(GgufFileTest)
#include "GgufFileTest.moc"
