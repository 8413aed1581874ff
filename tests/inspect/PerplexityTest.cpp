#include "TestSupport.h"

#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "inspect/Perplexity.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <memory>

using namespace glassbox;
using inspect::PerplexityResult;
using session::Session;

namespace
{

constexpr auto kStories = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";
constexpr auto kDataDir = GLASSBOX_TEST_DATA_DIR "/perplexity";
constexpr auto kText = GLASSBOX_TEST_DATA_DIR "/perplexity/garden-story.txt";

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

// A model file with everything a perplexity run needs.
struct LoadedModel {
    explicit LoadedModel(const QString &path)
        : file(path.toStdString())
    {
    }
    gguf::GgufFile file;
    compute::CpuBackend backend{2};
    model::Transformer transformer{file, backend};
    std::unique_ptr<tokenizer::Tokenizer> tokenizer = tokenizer::Tokenizer::fromGguf(file);

    std::vector<tokenizer::TokenId> encodeText() const
    {
        return tokenizer->encode(readFile(QString::fromUtf8(kText)).toStdString(), true, false);
    }
    PerplexityResult perplexity(std::span<const tokenizer::TokenId> ids, const inspect::PerplexityOptions &options)
    {
        Session session(transformer, {.contextLength = std::min(options.window, ids.size()), .kvType = gguf::TensorType::F32});
        return *inspect::perplexity(session, *tokenizer, ids, options);
    }
};

std::vector<tokenizer::TokenId> ids(const QJsonArray &array)
{
    std::vector<tokenizer::TokenId> result;
    for (const QJsonValue &value : array)
        result.push_back(value.toInt());
    return result;
}

} // namespace

class PerplexityTest : public QObject
{
    Q_OBJECT

    LoadedModel m_stories{QString::fromUtf8(kStories)};

private Q_SLOTS:
    // tests/data/perplexity/*.ref.json hold llama.cpp's teacher-forced log-probs of the text (one
    // window, F32 KV cache); see the README there.
    void matchesLlamaCpp_data()
    {
        QTest::addColumn<QString>("refName");
        QTest::addColumn<QString>("modelPath"); // empty: the model could not be fetched
        // Besides the 1 %, bounds from what was measured, with a margin: stories260K (F32)
        // matches llama.cpp to 1e-7 (max 5e-6 per token); SmolLM2 (Q4_1) is 0.74 % off (max 0.28 per
        // token).
        QTest::addColumn<double>("maxRelative"); // of the perplexity
        QTest::addColumn<double>("maxLogprobDiff"); // of any token
        QTest::newRow("stories260K") << QStringLiteral("stories260K") << QString::fromUtf8(kStories) << 1e-5 << 1e-4;
        // About ten minutes under the sanitizers: opt-in, like the other real-model rows.
        if (!qEnvironmentVariableIsSet("GLASSBOX_SLOW_TESTS")) {
            qInfo("set GLASSBOX_SLOW_TESTS=1 to compare SmolLM2's perplexity too");
            return;
        }
        QTest::newRow("smollm2") << QStringLiteral("smollm2") << test::fetchModel(QStringLiteral("smollm2")) << 0.01 << 0.5;
    }

    void matchesLlamaCpp()
    {
        QFETCH(QString, refName);
        QFETCH(QString, modelPath);
        QFETCH(double, maxRelative);
        QFETCH(double, maxLogprobDiff);
        if (modelPath.isEmpty())
            QSKIP("the model could not be fetched: python3 " GLASSBOX_FETCH_MODELS_SCRIPT " smollm2 failed (no network?)");
        const QJsonObject ref = QJsonDocument::fromJson(readFile(QDir(QString::fromUtf8(kDataDir)).filePath(refName + QStringLiteral(".ref.json")))).object();
        QCOMPARE(QFileInfo(modelPath).fileName(), ref[QStringLiteral("model")][QStringLiteral("file")].toString());

        LoadedModel model(modelPath);
        const std::vector<tokenizer::TokenId> tokens = model.encodeText();
        QCOMPARE(tokens, ids(ref[QStringLiteral("input_ids")].toArray()));

        const QJsonArray targets = ref[QStringLiteral("target_logprob")].toArray();
        double refNll = 0.0;
        for (const QJsonValue &value : targets)
            refNll -= value.toDouble();
        const double refPerplexity = std::exp(refNll / targets.size());

        // One window over the whole text, as llama.cpp's single teacher-forced pass.
        const PerplexityResult ours = model.perplexity(tokens, {.window = tokens.size(), .stride = 1});
        QCOMPARE(ours.windows, std::size_t{1});
        QCOMPARE(ours.tokens.size(), std::size_t(targets.size()));
        double maxDiff = 0.0;
        for (std::size_t i = 0; i < ours.tokens.size(); ++i) {
            QCOMPARE(ours.tokens[i].id, tokens[i + 1]);
            maxDiff = std::max(maxDiff, std::abs(ours.tokens[i].logprob - targets[int(i)].toDouble()));
        }
        const double relative = std::abs(ours.perplexity - refPerplexity) / refPerplexity;
        qInfo("%s: perplexity %.6f (llama.cpp %.6f), relative difference %.2e, max |d logprob| %.2e over %zu tokens",
              qPrintable(refName),
              ours.perplexity,
              refPerplexity,
              relative,
              maxDiff,
              ours.tokens.size());
        QVERIFY(relative < 0.01); // the bound
        QVERIFY2(relative < maxRelative, qPrintable(QString::number(relative)));
        QVERIFY2(maxDiff < maxLogprobDiff, qPrintable(QString::number(maxDiff)));
    }

    // With windows shorter than the text every token after the first is still scored once; the
    // first window's tokens see exactly what they see in one long window, and the rest lose a
    // little context, so the perplexity moves only a little.
    void slidingWindowScoresEveryTokenOnce()
    {
        const std::vector<tokenizer::TokenId> tokens = m_stories.encodeText();
        const PerplexityResult whole = m_stories.perplexity(tokens, {.window = tokens.size(), .stride = 1});
        const PerplexityResult sliding = m_stories.perplexity(tokens, {.window = 128, .stride = 64});
        QCOMPARE(sliding.tokens.size(), tokens.size() - 1);
        // Window k scores up to token 128 + 64k: 7 windows for the 482 tokens.
        QCOMPARE(tokens.size(), std::size_t{482});
        QCOMPARE(sliding.windows, std::size_t{7});
        for (std::size_t i = 0; i < sliding.tokens.size(); ++i)
            QCOMPARE(sliding.tokens[i].id, tokens[i + 1]);
        for (std::size_t i = 0; i < 127; ++i)
            QVERIFY(std::abs(sliding.tokens[i].logprob - whole.tokens[i].logprob) < 1e-5);
        qInfo("window 128 stride 64: perplexity %.4f; one window: %.4f", sliding.perplexity, whole.perplexity);
        QVERIFY(std::isfinite(sliding.perplexity));
        QVERIFY(sliding.perplexity > 1.0);
        QVERIFY(std::abs(sliding.perplexity - whole.perplexity) / whole.perplexity < 0.2);
        QCOMPARE(sliding.meanNll, std::log(sliding.perplexity));
    }

    void reportsProgressAndStopsWhenCancelled()
    {
        const std::vector<tokenizer::TokenId> tokens = m_stories.encodeText();
        Session session(m_stories.transformer, {.contextLength = 256, .kvType = gguf::TensorType::F32});
        std::vector<std::size_t> reported;
        std::stop_source stop;
        const auto result = inspect::perplexity(
            session,
            *m_stories.tokenizer,
            tokens,
            {.window = 256},
            [&](std::size_t scored, std::size_t total) {
                QCOMPARE(total, tokens.size() - 1);
                reported.push_back(scored);
                if (reported.size() == 2)
                    stop.request_stop();
            },
            stop.get_token());
        QVERIFY(!result);
        QCOMPARE(reported.size(), std::size_t{2});
        QVERIFY(reported[0] > 0 && reported[1] > reported[0]);

        std::stop_source stopped;
        stopped.request_stop();
        const std::size_t evaluated = session.evaluatedTokens();
        QVERIFY(!inspect::perplexity(session, *m_stories.tokenizer, tokens, {}, {}, stopped.get_token()));
        QCOMPARE(session.evaluatedTokens(), evaluated);
    }

    void rejectsBadWindows()
    {
        const std::vector<tokenizer::TokenId> tokens = m_stories.encodeText();
        Session session(m_stories.transformer, {.contextLength = 64, .kvType = gguf::TensorType::F32});
        QVERIFY_THROWS_EXCEPTION(Error, inspect::perplexity(session, *m_stories.tokenizer, tokens, {.window = 64, .stride = 64}));
        QVERIFY_THROWS_EXCEPTION(Error, inspect::perplexity(session, *m_stories.tokenizer, tokens, {.window = 128}));
        QVERIFY_THROWS_EXCEPTION(Error, inspect::perplexity(session, *m_stories.tokenizer, std::span(tokens).first(1)));
    }
};

QTEST_GUILESS_MAIN(PerplexityTest)
#include "PerplexityTest.moc"
