#include "StoriesModel.h"

#include "sampling/LogitBiasStage.h"
#include "sampling/SamplerSettings.h"
#include "session/Generator.h"
#include "session/Session.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace glassbox;
using sampling::FinishReason;
using session::GeneratedToken;
using session::GenerationOptions;
using session::Generator;
using session::Session;

Q_DECLARE_METATYPE(std::vector<std::int32_t>)

class GeneratorTest : public QObject
{
    Q_OBJECT

    StoriesModel m_model;

    Session session(std::size_t context = 256)
    {
        return Session(m_model.transformer, {.contextLength = context, .kvType = gguf::TensorType::F32});
    }

    // Runs a generation and collects what it streamed.
    struct Run {
        session::GenerationResult result;
        std::vector<GeneratedToken> tokens;
        std::vector<std::int32_t> ids() const
        {
            std::vector<std::int32_t> result;
            for (const GeneratedToken &token : tokens)
                result.push_back(token.id);
            return result;
        }
    };
    static Run generate(Generator &generator, std::span<const std::int32_t> prompt, const GenerationOptions &options, std::stop_source *stop = nullptr)
    {
        Run run;
        run.result = generator.generate(
            prompt,
            options,
            [&](const GeneratedToken &token) {
                run.tokens.push_back(token);
            },
            stop ? stop->get_token() : std::stop_token());
        return run;
    }

private Q_SLOTS:
    // llama.cpp's greedy continuation (32 single-token decodes, end tokens not special-cased) with
    // an F32 cache, token for token.
    void greedyMatchesLlamaCpp_data()
    {
        QTest::addColumn<std::vector<std::int32_t>>("prompt");
        QTest::addColumn<std::vector<std::int32_t>>("expected");
        for (const QJsonValue &value : StoriesModel::referenceCases()) {
            const QJsonObject testCase = value.toObject();
            const QJsonObject tokens = testCase.value(QStringLiteral("tokens")).toObject();
            const QJsonObject greedy = testCase.value(QStringLiteral("greedy")).toObject();
            QTest::addRow("case %d", testCase.value(QStringLiteral("index")).toInt())
                << StoriesModel::ids(tokens.value(QStringLiteral("with_bos")).toArray()) << StoriesModel::ids(greedy.value(QStringLiteral("ids")).toArray());
        }
    }

    void greedyMatchesLlamaCpp()
    {
        QFETCH(std::vector<std::int32_t>, prompt);
        QFETCH(std::vector<std::int32_t>, expected);
        Session s = session(512);
        Generator generator(s, *m_model.tokenizer);
        const Run run = generate(generator, prompt, {.maxTokens = static_cast<int>(expected.size()), .stopAtEndToken = false});
        QCOMPARE(run.ids(), expected);
        QCOMPARE(run.result.finishReason, FinishReason::Length);
    }

    void promptIsTokenizedLikeLlamaCpp()
    {
        const QJsonObject first = StoriesModel::referenceCases().first().toObject();
        const std::vector<std::int32_t> expected =
            StoriesModel::ids(first.value(QStringLiteral("tokens")).toObject().value(QStringLiteral("with_bos")).toArray());
        QCOMPARE(m_model.encode(first.value(QStringLiteral("prompt")).toString().toUtf8().constData()), expected);
    }

    void streamsPiecesLogprobsAndAlternatives()
    {
        Session s = session();
        Generator generator(s, *m_model.tokenizer);
        const Run run = generate(generator, m_model.encode("Once upon a time"), {.maxTokens = 12, .topAlternatives = 3});
        QCOMPARE(run.tokens.size(), std::size_t{12});
        std::string text;
        for (const GeneratedToken &token : run.tokens) {
            QCOMPARE(token.top.size(), std::size_t{3});
            QCOMPARE(token.top.front().id, token.id); // greedy
            QCOMPARE(token.logprob, token.top.front().logprob);
            QVERIFY(token.logprob <= 0.0);
            QVERIFY(token.top[0].logprob >= token.top[1].logprob && token.top[1].logprob >= token.top[2].logprob);
            QCOMPARE(QString::fromStdString(token.text), QString::fromStdString(token.piece)); // no stop strings: nothing is held back
            text += token.piece;
        }
        QCOMPARE(QString::fromStdString(text + run.result.trailingText), QStringLiteral(", there was a little girl named Lily. She"));
        QCOMPARE(run.result.promptTokens, std::size_t{5});
        QCOMPARE(run.result.decodedTokens, std::size_t{11});
        QVERIFY(run.result.firstTokenSeconds >= run.result.prefillSeconds);
    }

    // The entropy of the model's own distribution, whatever the chain does to it: checked against
    // -sum(p log p) computed here from the prompt's logits.
    void entropyIsThatOfTheRawDistribution()
    {
        const std::vector<std::int32_t> prompt = m_model.encode("Once upon a time");
        Session plain = session();
        const std::vector<float> logits = plain.prefill(prompt);
        const double max = *std::max_element(logits.begin(), logits.end());
        double sum = 0.0;
        for (float logit : logits)
            sum += std::exp(logit - max);
        double expected = 0.0;
        for (float logit : logits) {
            const double p = std::exp(logit - max) / sum;
            expected -= p * std::log(p);
        }

        Session s = session();
        sampling::SamplerSettings settings;
        settings.temperature = 0.5f;
        settings.seed = 5;
        Generator generator(s, *m_model.tokenizer, sampling::buildChain(settings));
        const Run run = generate(generator, prompt, {.maxTokens = 2});
        QCOMPARE(run.tokens.size(), std::size_t{2});
        QVERIFY2(std::abs(run.tokens[0].entropy - expected) < 1e-9, qPrintable(QString::number(run.tokens[0].entropy - expected)));
        QVERIFY(run.tokens[1].entropy > 0.0);
    }

    // Each token carries the chain's records (the raw distribution, then one per stage) only when asked.
    void stageRecordsOnlyWhenAsked()
    {
        sampling::SamplerSettings settings;
        settings.temperature = 0.8f;
        settings.topK = 10;
        settings.seed = 7;
        for (const std::size_t topN : {std::size_t{0}, std::size_t{4}}) {
            Session s = session();
            Generator generator(s, *m_model.tokenizer, sampling::buildChain(settings));
            const Run run = generate(generator, m_model.encode("Once upon a time"), {.maxTokens = 3, .topAlternatives = 1, .recordStagesTopN = topN});
            QCOMPARE(run.tokens.size(), std::size_t{3});
            for (const GeneratedToken &token : run.tokens) {
                if (topN == 0) {
                    QVERIFY(token.stages.empty());
                    continue;
                }
                // llama.cpp's default chain order: top-k, top-p (0.95), min-p (0.05), temperature.
                QStringList names;
                for (const sampling::StageRecord &record : token.stages) {
                    names << QString::fromStdString(record.stage);
                    QVERIFY(!record.top.empty() && record.top.size() <= topN);
                }
                QCOMPARE(
                    names,
                    QStringList(
                        {QStringLiteral("logits"), QStringLiteral("top-k"), QStringLiteral("top-p"), QStringLiteral("min-p"), QStringLiteral("temperature")}));
                QCOMPARE(token.stages[0].survivors, m_model.tokenizer->vocab().size());
                QCOMPARE(token.stages[1].survivors, std::size_t{10});
                QCOMPARE(token.stages[0].top[0].id, token.top[0].id);
                QVERIFY(std::abs(token.stages[0].top[0].probability - std::exp(token.top[0].logprob)) < 1e-5);
            }
        }
    }

    void endTokenFinishesWithoutBeingStreamed()
    {
        Session s = session();
        sampling::SamplerChain chain;
        chain.add(std::make_unique<sampling::LogitBiasStage>(std::map<tokenizer::TokenId, float>{{m_model.tokenizer->vocab().eos, 100.0f}}));
        Generator generator(s, *m_model.tokenizer, std::move(chain));
        const Run run = generate(generator, m_model.encode("Once upon a time"), {.maxTokens = 10});
        QCOMPARE(run.result.finishReason, FinishReason::EndOfSequence);
        QVERIFY(run.tokens.empty());
    }

    void stopStringEndsTheText()
    {
        Session s = session();
        Generator generator(s, *m_model.tokenizer);
        const Run run = generate(generator, m_model.encode("Once upon a time"), {.maxTokens = 30, .stopStrings = {"Lily"}});
        QCOMPARE(run.result.finishReason, FinishReason::StopString);
        std::string shown;
        for (const GeneratedToken &token : run.tokens)
            shown += token.text;
        QCOMPARE(QString::fromStdString(shown + run.result.trailingText), QStringLiteral(", there was a little girl named "));
    }

    void cancelStopsWithinOneToken()
    {
        Session s = session();
        Generator generator(s, *m_model.tokenizer);
        const std::vector<std::int32_t> prompt = m_model.encode("Once upon a time");
        std::stop_source stop;
        std::size_t streamed = 0;
        const session::GenerationResult result = generator.generate(
            prompt,
            {},
            [&](const GeneratedToken &) {
                if (++streamed == 3)
                    stop.request_stop();
            },
            stop.get_token());
        QCOMPARE(result.finishReason, FinishReason::Cancelled);
        QCOMPARE(streamed, std::size_t{3});
        QCOMPARE(s.tokens().size(), prompt.size() + 2); // the last token was never fed back
    }

    void cancelBeforeStartComputesNothing()
    {
        Session s = session();
        Generator generator(s, *m_model.tokenizer);
        std::stop_source stop;
        stop.request_stop();
        const Run run = generate(generator, m_model.encode("Once upon a time"), {}, &stop);
        QCOMPARE(run.result.finishReason, FinishReason::Cancelled);
        QVERIFY(run.tokens.empty());
        QCOMPARE(s.evaluatedTokens(), std::size_t{0});
    }

    void fullContextFinishes()
    {
        Session s = session(12);
        Generator generator(s, *m_model.tokenizer);
        const std::vector<std::int32_t> prompt = m_model.encode("Once upon a time");
        const Run run = generate(generator, prompt, {.stopAtEndToken = false});
        QCOMPARE(run.result.finishReason, FinishReason::ContextFull);
        // Every position holds a token, and the last token came from the last position's logits.
        QCOMPARE(s.tokens().size(), std::size_t{12});
        QCOMPARE(run.tokens.size(), 12 - prompt.size() + 1);
    }

    void promptLongerThanContextFinishes()
    {
        Session s = session(4);
        Generator generator(s, *m_model.tokenizer);
        const Run run = generate(generator, m_model.encode("Once upon a time, there was"), {});
        QCOMPARE(run.result.finishReason, FinishReason::ContextFull);
        QVERIFY(run.tokens.empty());
        QCOMPARE(s.evaluatedTokens(), std::size_t{0});
    }

    void followUpPromptReusesTheCache()
    {
        Session s = session();
        Generator generator(s, *m_model.tokenizer);
        std::vector<std::int32_t> conversation = m_model.encode("Once upon a time");
        const Run first = generate(generator, conversation, {.maxTokens = 6});
        for (const GeneratedToken &token : first.tokens)
            conversation.push_back(token.id);
        conversation.push_back(426); // "."
        const Run second = generate(generator, conversation, {.maxTokens = 2});
        // All but the last generated token (never fed back) and the new one were in the cache.
        QCOMPARE(second.result.reusedTokens, conversation.size() - 2);
        QCOMPARE(second.result.prefilledTokens, std::size_t{2});
    }
};

QTEST_GUILESS_MAIN(GeneratorTest)
#include "GeneratorTest.moc"
