#include "../session/StoriesModel.h"

#include "inspect/HiddenStateCapture.h"
#include "inspect/LogitLens.h"
#include "quant/Dequantize.h"
#include "session/Session.h"
#include "util/Error.h"

#include <QTest>

#include <cmath>

using namespace glassbox;
using inspect::HiddenStateCapture;
using session::Session;

// Hidden-state capture and the logit lens on stories260K: state 0 is the token embedding, the
// lens of the last state is the model's own output, and decode steps add their own position.
class LogitLensTest : public QObject
{
    Q_OBJECT

    StoriesModel m_model;

    static constexpr const char *kText = "Once upon a time, there was a little girl named Lily.";

    Session session()
    {
        return Session(m_model.transformer, {.contextLength = 64, .kvType = gguf::TensorType::F32});
    }

    static void compareLogits(const float *actual, const float *expected, std::size_t count)
    {
        for (std::size_t i = 0; i < count; ++i) {
            if (std::abs(actual[i] - expected[i]) > 1e-5f * std::max(1.0f, std::abs(expected[i])))
                QFAIL(qPrintable(QStringLiteral("logit %1: %2 != %3").arg(i).arg(actual[i]).arg(expected[i])));
        }
    }

private Q_SLOTS:
    void cleanup()
    {
        m_model.transformer.setHiddenStateCapture(nullptr);
    }

    void firstStateIsTheTokenEmbedding()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        HiddenStateCapture hidden;
        m_model.transformer.setHiddenStateCapture(&hidden);
        session().prefill(tokens);
        QCOMPARE(hidden.states(), config.layers + 1);
        QCOMPARE(hidden.positions(), tokens.size());

        const gguf::TensorInfo *table = m_model.file.findTensor("token_embd.weight");
        QVERIFY(table);
        std::vector<float> embeddings(table->elementCount);
        quant::dequantizeRow(table->type, table->data, embeddings.data(), static_cast<std::int64_t>(embeddings.size()));
        for (std::size_t p = 0; p < tokens.size(); ++p) {
            const std::span<const float> state = hidden.state(0, p);
            QCOMPARE(state.size(), config.embedding);
            const float *expected = embeddings.data() + static_cast<std::size_t>(tokens[p]) * config.embedding;
            QVERIFY(std::equal(state.begin(), state.end(), expected));
        }
    }

    void lensOfTheLastStateIsTheModelOutput()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        HiddenStateCapture hidden;
        m_model.transformer.setHiddenStateCapture(&hidden);
        const std::vector<float> logits = session().prefill(tokens, Session::Logits::All);
        for (std::size_t p = 0; p < tokens.size(); ++p) {
            const std::vector<float> lens = inspect::logitLens(m_model.transformer, hidden, p);
            QCOMPARE(lens.size(), (config.layers + 1) * config.vocab);
            compareLogits(lens.data() + config.layers * config.vocab, logits.data() + p * config.vocab, config.vocab);
        }
        // Earlier layers predict something else: the lens shows the layers at work.
        const std::vector<float> lens = inspect::logitLens(m_model.transformer, hidden, tokens.size() - 1);
        QVERIFY(!std::equal(lens.begin(), lens.begin() + std::ptrdiff_t(config.vocab), lens.begin() + std::ptrdiff_t(config.layers * config.vocab)));
    }

    // Keeping only each pass's last row: the prompt's end, then every decoded token, whose lens
    // gives that step's logits.
    void lastRowsFollowDecodeSteps()
    {
        const model::ModelConfig &config = m_model.transformer.config();
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        HiddenStateCapture hidden(HiddenStateCapture::Rows::Last);
        m_model.transformer.setHiddenStateCapture(&hidden);
        Session chat = session();
        chat.prefill(std::span(tokens).first(4));
        QCOMPARE(hidden.positions(), std::size_t{4});
        QVERIFY(hidden.state(2, 0).empty());
        QCOMPARE(hidden.state(2, 3).size(), config.embedding);
        QVERIFY_THROWS_EXCEPTION(Error, inspect::logitLens(m_model.transformer, hidden, 0));
        for (std::size_t i = 4; i < tokens.size(); ++i) {
            const std::vector<float> logits = chat.decode(tokens[i]);
            QCOMPARE(hidden.positions(), i + 1);
            const std::vector<float> lens = inspect::logitLens(m_model.transformer, hidden, i);
            compareLogits(lens.data() + config.layers * config.vocab, logits.data(), config.vocab);
        }
    }

    void emptyCaptureHasNoLens()
    {
        const HiddenStateCapture hidden;
        QCOMPARE(hidden.states(), std::size_t{0});
        QVERIFY_THROWS_EXCEPTION(Error, inspect::logitLens(m_model.transformer, hidden, 0));
        QVERIFY_THROWS_EXCEPTION(Error, hidden.state(0, 0));
    }
};

QTEST_GUILESS_MAIN(LogitLensTest)
#include "LogitLensTest.moc"
