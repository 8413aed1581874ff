#include "StoriesModel.h"

#include "session/Session.h"
#include "util/Error.h"

#include <QTest>

#include <cmath>

using namespace glassbox;
using session::Session;

// Prefill, decode and prefix reuse on a real model must all give the logits of one plain forward
// pass over the same tokens; only the order of float additions may differ between batch sizes.
class SessionTest : public QObject
{
    Q_OBJECT

    StoriesModel m_model;

    static constexpr const char *kText = "Once upon a time, there was a little girl named Lily. She loved to play outside.";

    Session session(std::size_t context = 128, std::size_t batch = 512)
    {
        return Session(m_model.transformer, {.contextLength = context, .kvType = gguf::TensorType::F32, .batchSize = batch});
    }

    static void compareLogits(const float *actual, const float *expected, std::size_t count)
    {
        for (std::size_t i = 0; i < count; ++i) {
            if (std::abs(actual[i] - expected[i]) > 1e-4f * std::max(1.0f, std::abs(expected[i])))
                QFAIL(qPrintable(QStringLiteral("logit %1: %2 != %3").arg(i).arg(actual[i]).arg(expected[i])));
        }
    }

private Q_SLOTS:
    void defaultsToF16Cache()
    {
        const Session fresh(m_model.transformer, {.contextLength = 16});
        QCOMPARE(fresh.kvType(), gguf::TensorType::F16);
        QCOMPARE(fresh.room(), std::size_t{16});
    }

    void decodeMatchesOnePrefill()
    {
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        QVERIFY(tokens.size() > 10);
        const std::size_t vocab = m_model.transformer.config().vocab;
        Session whole = session();
        const std::vector<float> all = whole.prefill(tokens, Session::Logits::All);

        Session stepwise = session();
        const std::size_t head = 4;
        std::vector<float> logits = stepwise.prefill(std::span(tokens).first(head));
        compareLogits(logits.data(), all.data() + (head - 1) * vocab, vocab);
        for (std::size_t i = head; i < tokens.size(); ++i) {
            logits = stepwise.decode(tokens[i]);
            compareLogits(logits.data(), all.data() + i * vocab, vocab);
        }
        QCOMPARE(stepwise.tokens(), tokens);
        QCOMPARE(stepwise.evaluatedTokens(), tokens.size());
    }

    void smallBatchesMatchOneBatch()
    {
        const std::vector<std::int32_t> tokens = m_model.encode(kText);
        Session whole = session();
        Session batched = session(128, 3);
        const std::vector<float> expected = whole.prefill(tokens, Session::Logits::All);
        const std::vector<float> actual = batched.prefill(tokens, Session::Logits::All);
        QCOMPARE(actual.size(), expected.size());
        compareLogits(actual.data(), expected.data(), expected.size());
    }

    void prefixReuseComputesOnlyTheSuffix()
    {
        const std::vector<std::int32_t> first = m_model.encode("Once upon a time, there was a little girl named Lily.");
        const std::vector<std::int32_t> second = m_model.encode("Once upon a time, there was a big dog named Max.");
        const auto shared = static_cast<std::size_t>(std::mismatch(first.begin(), first.end(), second.begin(), second.end()).first - first.begin());
        QVERIFY(shared > 3 && shared < second.size());

        Session reused = session();
        QVERIFY(reused.evaluatePrompt(first));
        QCOMPARE(reused.evaluatedTokens(), first.size());
        const std::optional<std::vector<float>> logits = reused.evaluatePrompt(second);
        QVERIFY(logits);
        QCOMPARE(reused.evaluatedTokens(), first.size() + second.size() - shared);
        QCOMPARE(reused.tokens(), second);

        Session fresh = session();
        const std::optional<std::vector<float>> expected = fresh.evaluatePrompt(second);
        compareLogits(logits->data(), expected->data(), expected->size());
    }

    void samePromptRunsOnlyItsLastToken()
    {
        const std::vector<std::int32_t> prompt = m_model.encode(kText);
        Session s = session();
        const std::vector<float> expected = *s.evaluatePrompt(prompt);
        const std::vector<float> again = *s.evaluatePrompt(prompt);
        QCOMPARE(s.evaluatedTokens(), prompt.size() + 1);
        compareLogits(again.data(), expected.data(), expected.size());

        // A longer prompt continues where the history ends.
        std::vector<std::int32_t> longer = prompt;
        longer.insert(longer.end(), {403, 407});
        QVERIFY(s.evaluatePrompt(longer));
        QCOMPARE(s.evaluatedTokens(), prompt.size() + 1 + 2);
    }

    void stopRequestSkipsRemainingBatches()
    {
        const std::vector<std::int32_t> prompt = m_model.encode(kText);
        Session s = session(128, 4);
        std::stop_source stop;
        stop.request_stop();
        QVERIFY(!s.evaluatePrompt(prompt, stop.get_token()));
        QCOMPARE(s.evaluatedTokens(), std::size_t{0});
        QVERIFY(s.tokens().empty());
    }

    void overflowThrowsBeforeWriting()
    {
        const std::vector<std::int32_t> prompt = m_model.encode(kText);
        Session small = session(8);
        QVERIFY_THROWS_EXCEPTION(Error, small.prefill(prompt));
        QCOMPARE(small.evaluatedTokens(), std::size_t{0});
        small.prefill(std::span(prompt).first(8));
        QCOMPARE(small.room(), std::size_t{0});
        QVERIFY_THROWS_EXCEPTION(Error, small.decode(prompt[8]));
        QCOMPARE(small.tokens().size(), std::size_t{8});
    }
};

QTEST_GUILESS_MAIN(SessionTest)
#include "SessionTest.moc"
