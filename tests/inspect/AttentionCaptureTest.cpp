#include "../session/StoriesModel.h"

#include "inspect/AttentionCapture.h"
#include "inspect/HiddenStateCapture.h"
#include "quant/Dequantize.h"
#include "session/Session.h"
#include "util/Error.h"

#include <QTest>

#include <cmath>
#include <numeric>
#include <string>

using namespace glassbox;
using inspect::AttentionCapture;
using session::Session;

// The captured probabilities must be what attention really computes: softmax(QKᵀ/√d) under the
// causal mask, with Q and K rebuilt here in double precision straight from the GGUF weights (for
// layer 0 from the token embeddings; deeper layers start from the captured stream entering them).
class AttentionCaptureTest : public QObject
{
    Q_OBJECT

    StoriesModel m_model;

    static constexpr const char *kText = "Once upon a time, there was a little girl named Lily. She loved to play.";
    static constexpr double kTolerance = 1e-4;

    using Matrix = std::vector<double>; // row-major

    Session session(gguf::TensorType kvType = gguf::TensorType::F32)
    {
        return Session(m_model.transformer, {.contextLength = 64, .kvType = kvType});
    }

    std::vector<std::size_t> allHeads() const
    {
        std::vector<std::size_t> heads(m_model.transformer.config().heads);
        std::iota(heads.begin(), heads.end(), std::size_t{0});
        return heads;
    }

    // A whole tensor as doubles, rows of its GGUF row length.
    Matrix tensor(const std::string &name) const
    {
        const gguf::TensorInfo *info = m_model.file.findTensor(name);
        if (!info)
            qFatal("no tensor %s", name.c_str());
        std::vector<float> values(info->elementCount);
        quant::dequantizeRow(info->type, info->data, values.data(), static_cast<std::int64_t>(values.size()));
        return Matrix(values.begin(), values.end());
    }

    // out[r] = W row r · x, for `rows` rows of x.size() elements.
    static std::vector<double> multiply(const Matrix &weight, const std::vector<double> &x)
    {
        std::vector<double> out(weight.size() / x.size());
        for (std::size_t r = 0; r < out.size(); ++r)
            out[r] = std::inner_product(x.begin(), x.end(), weight.begin() + static_cast<std::ptrdiff_t>(r * x.size()), 0.0);
        return out;
    }

    // Q or K of one token: RMSNorm → projection → RoPE (llama's adjacent-pair mode) per head.
    std::vector<double> project(std::size_t layer, const std::string &which, const std::vector<double> &stream, std::size_t position) const
    {
        const model::ModelConfig &config = m_model.transformer.config();
        const Matrix gain = tensor("blk." + std::to_string(layer) + ".attn_norm.weight");
        double meanSquare = 0.0;
        for (double v : stream)
            meanSquare += v * v / static_cast<double>(stream.size());
        std::vector<double> normed(stream.size());
        for (std::size_t i = 0; i < stream.size(); ++i)
            normed[i] = stream[i] / std::sqrt(meanSquare + config.rmsEps) * gain[i];
        std::vector<double> out = multiply(tensor("blk." + std::to_string(layer) + ".attn_" + which + ".weight"), normed);
        const compute::RopeParams &rope = config.ropeFor(layer);
        for (std::size_t head = 0; head < out.size() / config.headDim; ++head) {
            double *x = out.data() + head * config.headDim;
            for (std::size_t i = 0; i + 1 < rope.dims; i += 2) {
                const double angle = static_cast<double>(position) * rope.freqScale *
                                     std::pow(static_cast<double>(rope.freqBase), -static_cast<double>(i) / static_cast<double>(rope.dims));
                const double x0 = x[i];
                const double x1 = x[i + 1];
                x[i] = x0 * std::cos(angle) - x1 * std::sin(angle);
                x[i + 1] = x0 * std::sin(angle) + x1 * std::cos(angle);
            }
        }
        return out;
    }

    // Compares every captured row of `layer` with softmax(q·k/√d) over keys 0..position, the
    // streams entering the layer given per position.
    void compareWithReference(const AttentionCapture &capture, std::size_t layer, const std::vector<std::vector<double>> &streams) const
    {
        const model::ModelConfig &config = m_model.transformer.config();
        std::vector<std::vector<double>> queries;
        std::vector<std::vector<double>> keys;
        for (std::size_t p = 0; p < streams.size(); ++p) {
            queries.push_back(project(layer, "q", streams[p], p));
            keys.push_back(project(layer, "k", streams[p], p));
        }
        const std::size_t group = config.heads / config.kvHeads;
        const double scale = 1.0 / std::sqrt(static_cast<double>(config.headDim));
        for (std::size_t head : capture.heads()) {
            for (std::size_t p = 0; p < streams.size(); ++p) {
                std::vector<double> scores(p + 1);
                for (std::size_t t = 0; t <= p; ++t) {
                    const double *q = queries[p].data() + head * config.headDim;
                    const double *k = keys[t].data() + head / group * config.headDim;
                    scores[t] = std::inner_product(q, q + config.headDim, k, 0.0) * scale;
                }
                const double top = *std::max_element(scores.begin(), scores.end());
                double sum = 0.0;
                for (double &s : scores)
                    sum += (s = std::exp(s - top));
                const std::span<const float> row = capture.row(layer, head, p);
                QCOMPARE(row.size(), p + 1);
                for (std::size_t t = 0; t <= p; ++t) {
                    if (std::abs(row[t] - scores[t] / sum) > kTolerance)
                        QFAIL(qPrintable(QStringLiteral("layer %1 head %2 query %3 key %4: %5 != %6")
                                             .arg(layer)
                                             .arg(head)
                                             .arg(p)
                                             .arg(t)
                                             .arg(row[t])
                                             .arg(scores[t] / sum)));
                }
            }
        }
    }

private Q_SLOTS:
    void cleanup()
    {
        m_model.transformer.setAttentionCapture(nullptr);
        m_model.transformer.setHiddenStateCapture(nullptr);
    }

    void layerZeroMatchesSoftmaxFromTheWeights()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        QVERIFY(!config.rope.neox);
        QCOMPARE(config.embeddingScale, 1.0f);
        QVERIFY(std::abs(config.attentionScale - 1.0 / std::sqrt(double(config.headDim))) < 1e-6);
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        AttentionCapture capture({0}, allHeads());
        m_model.transformer.setAttentionCapture(&capture);
        session().prefill(tokens);
        QCOMPARE(capture.positions(), tokens.size());

        const Matrix embeddings = tensor("token_embd.weight");
        std::vector<std::vector<double>> streams;
        for (std::int32_t token : tokens) {
            const auto first = embeddings.begin() + static_cast<std::ptrdiff_t>(std::size_t(token) * config.embedding);
            streams.emplace_back(first, first + static_cast<std::ptrdiff_t>(config.embedding));
        }
        compareWithReference(capture, 0, streams);
    }

    void deeperLayersMatchSoftmaxFromTheirInput()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        std::vector<std::size_t> layers(config.layers);
        std::iota(layers.begin(), layers.end(), std::size_t{0});
        AttentionCapture capture(layers, {0, 3, config.heads - 1});
        inspect::HiddenStateCapture hidden;
        m_model.transformer.setAttentionCapture(&capture);
        m_model.transformer.setHiddenStateCapture(&hidden);
        session().prefill(tokens);
        for (std::size_t layer = 1; layer < config.layers; ++layer) {
            std::vector<std::vector<double>> streams;
            for (std::size_t p = 0; p < tokens.size(); ++p) {
                const std::span<const float> state = hidden.state(layer, p);
                streams.emplace_back(state.begin(), state.end());
            }
            compareWithReference(capture, layer, streams);
        }
    }

    // A generated token's row, computed by a single-token decode step, is the last row of a
    // capture of the whole sequence in one pass.
    void decodeRowsMatchAFullPromptCapture()
    {
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        AttentionCapture whole({1, 4}, allHeads());
        m_model.transformer.setAttentionCapture(&whole);
        session().prefill(tokens);

        AttentionCapture stepwise({1, 4}, allHeads());
        m_model.transformer.setAttentionCapture(&stepwise);
        Session steps = session();
        const std::size_t head = 5;
        steps.prefill(std::span(tokens).first(head));
        for (std::size_t i = head; i < tokens.size(); ++i) {
            steps.decode(tokens[i]);
            QCOMPARE(stepwise.positions(), i + 1);
            for (std::size_t layer : {1, 4}) {
                for (std::size_t h : allHeads()) {
                    const std::span<const float> expected = whole.row(layer, h, i);
                    const std::span<const float> actual = stepwise.row(layer, h, i);
                    QCOMPARE(actual.size(), expected.size());
                    for (std::size_t t = 0; t < actual.size(); ++t)
                        QVERIFY(std::abs(actual[t] - expected[t]) < 1e-5);
                }
            }
        }
        QCOMPARE(stepwise.matrix(4, 2).size(), tokens.size() * tokens.size());
    }

    // With an F16 cache the rows are still distributions, close to the F32 ones.
    void halfCacheRowsAreDistributions()
    {
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        AttentionCapture exact({2}, {1});
        m_model.transformer.setAttentionCapture(&exact);
        session().prefill(tokens);
        AttentionCapture half({2}, {1});
        m_model.transformer.setAttentionCapture(&half);
        session(gguf::TensorType::F16).prefill(tokens);
        for (std::size_t p = 0; p < tokens.size(); ++p) {
            const std::span<const float> row = half.row(2, 1, p);
            QVERIFY(std::abs(std::accumulate(row.begin(), row.end(), 0.0) - 1.0) < 1e-5);
            for (std::size_t t = 0; t <= p; ++t)
                QVERIFY(std::abs(row[t] - exact.row(2, 1, p)[t]) < 1e-2);
        }
    }

    // Rerunning from position p (prefix reuse after an edit) replaces the rows from p on.
    void rerunReplacesTheRowsFromItsStart()
    {
        const std::vector<std::int32_t> first = m_model.encode("Once upon a time, there was a little girl.");
        const std::vector<std::int32_t> second = m_model.encode("Once upon a time, there was a big dog.");
        AttentionCapture capture({0}, {0});
        m_model.transformer.setAttentionCapture(&capture);
        Session chat = session();
        chat.evaluatePrompt(first);
        QCOMPARE(capture.positions(), first.size());
        chat.evaluatePrompt(second);
        QCOMPARE(capture.positions(), second.size());

        AttentionCapture fresh({0}, {0});
        m_model.transformer.setAttentionCapture(&fresh);
        session().prefill(second);
        QCOMPARE(capture.matrix(0, 0), fresh.matrix(0, 0));
    }

    void detachedCaptureStaysUnchanged()
    {
        AttentionCapture capture({0}, {0});
        m_model.transformer.setAttentionCapture(&capture);
        m_model.transformer.setAttentionCapture(nullptr);
        session().prefill(m_model.encode(kText));
        QCOMPARE(capture.positions(), std::size_t{0});
        QVERIFY(capture.row(0, 0, 0).empty());
    }

    void rejectsWhatTheModelLacks()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        AttentionCapture badLayer({config.layers}, {0});
        QVERIFY_THROWS_EXCEPTION(Error, m_model.transformer.setAttentionCapture(&badLayer));
        AttentionCapture badHead({0}, {config.heads});
        QVERIFY_THROWS_EXCEPTION(Error, m_model.transformer.setAttentionCapture(&badHead));
        QVERIFY_THROWS_EXCEPTION(Error, AttentionCapture({}, {0}));
        AttentionCapture capture({1}, {2});
        QVERIFY(!capture.capturesLayer(0));
        QVERIFY_THROWS_EXCEPTION(Error, capture.row(0, 2, 0));
    }
};

QTEST_GUILESS_MAIN(AttentionCaptureTest)
#include "AttentionCaptureTest.moc"
