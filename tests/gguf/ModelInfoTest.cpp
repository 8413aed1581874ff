#include "GgufBuilder.h"

#include "gguf/GgufFile.h"
#include "model/ModelInfo.h"

#include <QTest>

using namespace glassbox;
using namespace glassbox::gguf;
using namespace glassbox::model;
using glassbox::gguf::test::GgufBuilder;

namespace {

const SpecialToken *findToken(const ModelInfo &info, const std::string &role)
{
    for (const SpecialToken &token : info.specialTokens) {
        if (token.role == role)
            return &token;
    }
    return nullptr;
}

} // namespace

class ModelInfoTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesStories260K()
    {
        const GgufFile file(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");
        const ModelInfo info = ModelInfo::fromGguf(file);
        QCOMPARE(info.architecture, std::string("llama"));
        QCOMPARE(info.name, std::string("llama"));
        QCOMPARE(info.ggufVersion, 3u);
        QCOMPARE(info.fileSize, std::uint64_t(1185376));
        QCOMPARE(info.tensorCount, 48u);
        QCOMPARE(info.parameterCount, std::uint64_t(292800));
        QCOMPARE(info.weightBytes, std::uint64_t(292800 * 4));
        QCOMPARE(info.tensorTypes.size(), std::size_t(1));
        QCOMPARE(info.tensorTypes[0].type, TensorType::F32);
        QCOMPARE(info.tensorTypes[0].tensors, 48u);

        QCOMPARE(info.embeddingLength.value(), 64u);
        QCOMPARE(info.layerCount.value(), 5u);
        QCOMPARE(info.headCount.value(), 8u);
        QCOMPARE(info.kvHeadCount.value(), 4u);
        QCOMPARE(info.headDim.value(), 8u);
        QCOMPARE(info.feedForwardLength.value(), 172u);
        QCOMPARE(info.contextLength.value(), 2048u);
        QCOMPARE(info.rope.dimensionCount.value(), 8u);
        QVERIFY(!info.rope.freqBase);
        QVERIFY(info.rope.scalingType.empty());
        QVERIFY(!info.slidingWindow);

        QCOMPARE(info.vocabSize, 512u);
        QCOMPARE(info.tokenizerModel, std::string("llama"));
        QVERIFY(info.preTokenizer.empty());
        // sep and pad are stored as -1: no such token.
        QCOMPARE(info.specialTokens.size(), std::size_t(3));
        QCOMPARE(findToken(info, "bos")->id, 1u);
        QCOMPARE(findToken(info, "bos")->text, std::string("<s>"));
        QCOMPARE(findToken(info, "eos")->text, std::string("</s>"));
        QCOMPARE(findToken(info, "unk")->text, std::string("<unk>"));
        QVERIFY(!findToken(info, "pad"));
        QVERIFY(!info.hasChatTemplate);

        // 2 (K and V) × 5 layers × 4 KV heads × 8 × 2048 positions × 2 bytes
        QCOMPARE(info.kvCacheBytes(2048, 2).value(), std::uint64_t(1310720));
        QCOMPARE(info.kvCacheBytes(100, 4).value(), std::uint64_t(2 * 5 * 4 * 8 * 100 * 4));
    }

    void describesAQuantMix()
    {
        const GgufFile file(GLASSBOX_SHARED_DIR "/reference/synthetic-Q4_K_M.gguf");
        const ModelInfo info = ModelInfo::fromGguf(file);
        QCOMPARE(info.name, std::string("glassbox-synthetic-llama-256x2"));
        QCOMPARE(info.tensorCount, 21u);
        // embeddings and output 2 × 256 × 512, output norm 256, and per layer: q and o 2 × 256²,
        // k and v 2 × 256 × 128, three FFN matrices 3 × 256 × 768 and two norms 2 × 256.
        QCOMPARE(info.parameterCount, std::uint64_t(2 * 256 * 512 + 256 + 2 * (2 * 65536 + 2 * 32768 + 3 * 196608 + 512)));
        QCOMPARE(info.tensorTypes.size(), std::size_t(3));
        QCOMPARE(info.tensorTypes[0].type, TensorType::F32);
        QCOMPARE(info.tensorTypes[0].tensors, 5u);
        QCOMPARE(info.tensorTypes[0].bytes, std::uint64_t(5 * 256 * 4));
        QCOMPARE(info.tensorTypes[1].type, TensorType::Q4_K);
        QCOMPARE(info.tensorTypes[1].tensors, 13u);
        QCOMPARE(info.tensorTypes[2].type, TensorType::Q6_K);
        QCOMPARE(info.tensorTypes[2].tensors, 3u);
        std::uint64_t bytes = 0;
        for (const TensorTypeCount &count : info.tensorTypes)
            bytes += count.bytes;
        QCOMPARE(bytes, info.weightBytes);
        QVERIFY(info.weightBytes < info.fileSize);

        QCOMPARE(info.headDim.value(), 64u);
        QCOMPARE(info.kvHeadCount.value(), 2u);
        QCOMPARE(info.contextLength.value(), 512u);
        QCOMPARE(info.rope.freqBase.value(), 10000.0);
        QCOMPARE(info.kvCacheBytes(512, 2).value(), std::uint64_t(2 * 2 * 2 * 64 * 512 * 2));
    }

    void describesVocabOnlyFiles()
    {
        const GgufFile file(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-bert-bge.gguf");
        const ModelInfo info = ModelInfo::fromGguf(file);
        QCOMPARE(info.architecture, std::string("bert"));
        QCOMPARE(info.tensorCount, 0u);
        QCOMPARE(info.parameterCount, 0u);
        QCOMPARE(info.weightBytes, 0u);
        QVERIFY(info.tensorTypes.empty());
        QCOMPARE(info.tokenizerModel, std::string("bert"));
        QCOMPARE(info.preTokenizer, std::string("bert-bge"));
        QCOMPARE(info.vocabSize, 30522u);
        QCOMPARE(findToken(info, "cls")->text, std::string("[CLS]"));
        QCOMPARE(findToken(info, "sep")->id, 102u);
        QCOMPARE(findToken(info, "sep")->text, std::string("[SEP]"));
        QCOMPARE(findToken(info, "pad")->text, std::string("[PAD]"));
        QCOMPARE(findToken(info, "unk")->text, std::string("[UNK]"));
        QCOMPARE(findToken(info, "mask")->text, std::string("[MASK]"));
        // No head_count_kv: as many KV heads as heads; no key_length: 384 / 12.
        QCOMPARE(info.kvHeadCount.value(), 12u);
        QCOMPARE(info.headDim.value(), 32u);

        const GgufFile spm(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-llama-spm.gguf");
        const ModelInfo spmInfo = ModelInfo::fromGguf(spm);
        QCOMPARE(spmInfo.parameterCount, 0u);
        QCOMPARE(spmInfo.vocabSize, 32000u);
        QCOMPARE(spmInfo.preTokenizer, std::string("default"));
        QCOMPARE(findToken(spmInfo, "bos")->text, std::string("<s>"));
    }

    void readsOptionalSettings()
    {
        GgufBuilder b;
        b.header(3, 0, 11).kvString("general.architecture", "gemma3");
        b.key("gemma3.attention.head_count", ValueType::Array).arrayHeader(ValueType::Int32, 3).put(4).put(8).put(2);
        b.kvUInt32("gemma3.attention.key_length", 256).kvUInt32("gemma3.attention.sliding_window", 1024);
        b.kvString("gemma3.rope.scaling.type", "yarn").key("gemma3.rope.scaling.factor", ValueType::Float32).put(8.f);
        b.kvUInt32("gemma3.rope.scaling.original_context_length", 8192);
        b.key("gemma3.rope.freq_base", ValueType::Float32).put(1000000.f);
        b.kvString("tokenizer.chat_template", "{{ messages }}");
        b.key("gemma3.vocab_size", ValueType::UInt64).put(std::uint64_t(262144));
        b.kvUInt32("tokenizer.ggml.eot_token_id", 106);
        const auto file = GgufFile::fromBytes(b.bytes(), "settings.gguf");
        const ModelInfo info = ModelInfo::fromGguf(*file);
        QCOMPARE(info.headCount.value(), 8u);
        QCOMPARE(info.kvHeadCount.value(), 8u);
        QCOMPARE(info.headDim.value(), 256u);
        QCOMPARE(info.slidingWindow.value(), 1024u);
        QCOMPARE(info.rope.scalingType, std::string("yarn"));
        QCOMPARE(info.rope.scalingFactor.value(), 8.0);
        QCOMPARE(info.rope.originalContext.value(), 8192u);
        QCOMPARE(info.rope.freqBase.value(), 1000000.0);
        QVERIFY(info.hasChatTemplate);
        QCOMPARE(info.chatTemplateLength, 14u);
        QCOMPARE(info.vocabSize, 262144u);
        QCOMPARE(findToken(info, "eot")->id, 106u);
        QVERIFY(findToken(info, "eot")->text.empty());
        QVERIFY(!info.layerCount);
        QVERIFY(!info.kvCacheBytes(4096, 2));
    }

    void survivesNonsenseHyperParameters()
    {
        GgufBuilder b;
        b.header(3, 0, 7).kvString("general.architecture", "llama");
        b.kvUInt32("llama.attention.head_count", 0).kvUInt32("llama.embedding_length", 64);
        b.key("llama.block_count", ValueType::UInt64).put(~std::uint64_t(0));
        b.kvString("llama.context_length", "long");
        b.key("tokenizer.ggml.tokens", ValueType::Array).arrayHeader(ValueType::String, 0);
        b.kvUInt32("tokenizer.ggml.bos_token_id", 0);
        const auto file = GgufFile::fromBytes(b.bytes(), "nonsense.gguf");
        const ModelInfo info = ModelInfo::fromGguf(*file);
        QVERIFY(!info.headDim);
        QVERIFY(!info.contextLength);
        QCOMPARE(info.vocabSize, 0u);
        QVERIFY(info.specialTokens.empty());
        QVERIFY(!info.kvCacheBytes(1, 1));
    }
};

QTEST_GUILESS_MAIN(ModelInfoTest)
#include "ModelInfoTest.moc"
