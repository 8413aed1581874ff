#include "TinyGguf.h"
#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Embedder.h"
#include "model/Transformer.h"
#include "util/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace glassbox;

namespace
{

using Matrix = std::vector<double>; // row-major, rows × cols

constexpr std::size_t kEmbd = 32;
constexpr std::size_t kHeads = 4;
constexpr std::size_t kFf = 64;
constexpr std::size_t kLayers = 2;
constexpr std::size_t kVocab = 40;
constexpr std::size_t kContext = 16;
constexpr double kEps = 1e-12;

struct Affine {
    std::vector<float> weight; // out rows of in values
    std::vector<float> bias;
};
struct Norm {
    std::vector<float> gain;
    std::vector<float> bias;
};
struct Layer {
    Affine q, k, v, o;
    Norm attnNorm;
    Affine up, down;
    Norm outNorm;
};

// A tiny BERT with random weights, written to a GGUF file, and the same weights kept for the
// straightforward implementation below.
struct TinyBert {
    std::vector<float> tokens, positions, types;
    Norm embdNorm;
    std::vector<Layer> layers;

    TinyBert(const std::string &path, std::uint64_t pooling)
    {
        test::TinyGguf gguf("bert");
        gguf.count("embedding_length", kEmbd);
        gguf.count("block_count", kLayers);
        gguf.count("attention.head_count", kHeads);
        gguf.count("feed_forward_length", kFf);
        gguf.count("context_length", kContext);
        gguf.count("pooling_type", pooling);
        gguf.real("attention.layer_norm_epsilon", kEps);
        auto norm = [&](const std::string &name) {
            const std::vector<float> &gain = gguf.tensor(name + ".weight", kEmbd, 1, 1.0f, 0.2f);
            return Norm{gain, gguf.tensor(name + ".bias", kEmbd, 1, 0.0f, 0.1f)};
        };
        auto affine = [&](const std::string &name, std::size_t in, std::size_t out) {
            const std::vector<float> &weight = gguf.tensor(name + ".weight", in, out, 0.0f, 1.0f / std::sqrt(float(in)));
            return Affine{weight, gguf.tensor(name + ".bias", out, 1, 0.0f, 0.1f)};
        };
        tokens = gguf.tensor("token_embd.weight", kEmbd, kVocab);
        positions = gguf.tensor("position_embd.weight", kEmbd, kContext);
        types = gguf.tensor("token_types.weight", kEmbd, 2);
        embdNorm = norm("token_embd_norm");
        for (std::size_t i = 0; i < kLayers; ++i) {
            const std::string p = "blk." + std::to_string(i) + ".";
            Layer layer;
            layer.q = affine(p + "attn_q", kEmbd, kEmbd);
            layer.k = affine(p + "attn_k", kEmbd, kEmbd);
            layer.v = affine(p + "attn_v", kEmbd, kEmbd);
            layer.o = affine(p + "attn_output", kEmbd, kEmbd);
            layer.attnNorm = norm(p + "attn_output_norm");
            layer.up = affine(p + "ffn_up", kEmbd, kFf);
            layer.down = affine(p + "ffn_down", kFf, kEmbd);
            layer.outNorm = norm(p + "layer_output_norm");
            layers.push_back(layer);
        }
        gguf.write(path);
    }
};

Matrix apply(const Affine &a, const Matrix &x, std::size_t in)
{
    const std::size_t rows = x.size() / in;
    const std::size_t out = a.bias.size();
    Matrix y(rows * out);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < out; ++o) {
            double sum = a.bias[o];
            for (std::size_t i = 0; i < in; ++i)
                sum += double(a.weight[o * in + i]) * x[r * in + i];
            y[r * out + o] = sum;
        }
    return y;
}

Matrix layerNorm(const Norm &n, const Matrix &x)
{
    Matrix y(x.size());
    for (std::size_t r = 0; r < x.size() / kEmbd; ++r) {
        double mean = 0.0, var = 0.0;
        for (std::size_t c = 0; c < kEmbd; ++c)
            mean += x[r * kEmbd + c] / kEmbd;
        for (std::size_t c = 0; c < kEmbd; ++c)
            var += (x[r * kEmbd + c] - mean) * (x[r * kEmbd + c] - mean) / kEmbd;
        for (std::size_t c = 0; c < kEmbd; ++c)
            y[r * kEmbd + c] = (x[r * kEmbd + c] - mean) / std::sqrt(var + kEps) * n.gain[c] + n.bias[c];
    }
    return y;
}

// Bidirectional multi-head attention: every token sees every token.
Matrix attend(const Matrix &q, const Matrix &k, const Matrix &v)
{
    const std::size_t rows = q.size() / kEmbd;
    const std::size_t dim = kEmbd / kHeads;
    Matrix out(q.size(), 0.0);
    for (std::size_t h = 0; h < kHeads; ++h)
        for (std::size_t i = 0; i < rows; ++i) {
            std::vector<double> weights(rows);
            double max = -INFINITY;
            for (std::size_t j = 0; j < rows; ++j) {
                double dot = 0.0;
                for (std::size_t d = 0; d < dim; ++d)
                    dot += q[i * kEmbd + h * dim + d] * k[j * kEmbd + h * dim + d];
                weights[j] = dot / std::sqrt(double(dim));
                max = std::max(max, weights[j]);
            }
            double sum = 0.0;
            for (double &w : weights)
                sum += (w = std::exp(w - max));
            for (std::size_t j = 0; j < rows; ++j)
                for (std::size_t d = 0; d < dim; ++d)
                    out[i * kEmbd + h * dim + d] += weights[j] / sum * v[j * kEmbd + h * dim + d];
        }
    return out;
}

std::vector<double> referenceEmbedding(const TinyBert &m, const std::vector<std::int32_t> &ids, std::uint64_t pooling)
{
    const std::size_t rows = ids.size();
    Matrix x(rows * kEmbd);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < kEmbd; ++c)
            x[r * kEmbd + c] = double(m.tokens[std::size_t(ids[r]) * kEmbd + c]) + m.positions[r * kEmbd + c] + m.types[c];
    x = layerNorm(m.embdNorm, x);
    for (const Layer &layer : m.layers) {
        Matrix attn = apply(layer.o, attend(apply(layer.q, x, kEmbd), apply(layer.k, x, kEmbd), apply(layer.v, x, kEmbd)), kEmbd);
        for (std::size_t i = 0; i < x.size(); ++i)
            attn[i] += x[i];
        x = layerNorm(layer.attnNorm, attn);
        Matrix hidden = apply(layer.up, x, kEmbd);
        for (double &h : hidden)
            h = 0.5 * h * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (h + 0.044715 * h * h * h)));
        Matrix ffn = apply(layer.down, hidden, kFf);
        for (std::size_t i = 0; i < x.size(); ++i)
            ffn[i] += x[i];
        x = layerNorm(layer.outNorm, ffn);
    }
    std::vector<double> pooled(kEmbd, 0.0);
    for (std::size_t c = 0; c < kEmbd; ++c) {
        if (pooling == 1)
            for (std::size_t r = 0; r < rows; ++r)
                pooled[c] += x[r * kEmbd + c] / double(rows);
        else
            pooled[c] = x[c];
    }
    double norm = 0.0;
    for (double p : pooled)
        norm += p * p;
    for (double &p : pooled)
        p /= std::sqrt(norm);
    return pooled;
}

} // namespace

// The BERT encoder against a plain double-precision implementation of the same model, on a tiny
// model with random weights written by GgufWriter (no real BERT model is available offline).
class EmbedderTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesStraightforwardBert_data()
    {
        QTest::addColumn<quint64>("pooling");
        QTest::newRow("mean") << quint64(1);
        QTest::newRow("cls") << quint64(2);
    }

    void matchesStraightforwardBert()
    {
        QFETCH(quint64, pooling);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("bert.gguf")).toStdString();
        const TinyBert model(path, pooling);
        const gguf::GgufFile file(path);
        compute::CpuBackend backend(2);
        model::Embedder embedder(file, backend);
        QCOMPARE(embedder.dimension(), kEmbd);

        const std::vector<std::vector<std::int32_t>> inputs = {{1, 5, 9, 2}, {1, 30, 31, 32, 7, 7, 2}, {3}};
        const std::vector<std::vector<float>> vectors = embedder.embed(inputs);
        QCOMPARE(vectors.size(), inputs.size());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::vector<double> expected = referenceEmbedding(model, inputs[i], pooling);
            QCOMPARE(vectors[i].size(), kEmbd);
            double maxDiff = 0.0;
            for (std::size_t c = 0; c < kEmbd; ++c)
                maxDiff = std::max(maxDiff, std::abs(vectors[i][c] - expected[c]));
            QVERIFY2(maxDiff < 1e-4, qPrintable(QStringLiteral("input %1: max difference %2").arg(i).arg(maxDiff)));
        }
    }

    void rejectsWrongUse()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("bert.gguf")).toStdString();
        const TinyBert model(path, 1);
        const gguf::GgufFile file(path);
        compute::CpuBackend backend(1);
        QVERIFY_THROWS_EXCEPTION(Error, model::Transformer(file, backend));
        model::Embedder embedder(file, backend);
        const std::vector<std::vector<std::int32_t>> tooLong = {std::vector<std::int32_t>(kContext + 1, 1)};
        QVERIFY_THROWS_EXCEPTION(Error, embedder.embed(tooLong));
    }
};

QTEST_GUILESS_MAIN(EmbedderTest)
#include "EmbedderTest.moc"
