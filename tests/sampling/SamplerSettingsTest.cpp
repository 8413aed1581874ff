#include "Distributions.h"

#include "sampling/MirostatStage.h"
#include "sampling/SamplerSettings.h"
#include "util/Error.h"

#include <QDebug>

#include <limits>

using namespace glassbox;
using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

std::vector<std::string> stageNames(const SamplerChain &chain)
{
    std::vector<std::string> names;
    for (std::size_t i = 0; i < chain.stageCount(); ++i)
        names.emplace_back(chain.stage(i).name());
    return names;
}

SamplerSettings everything()
{
    SamplerSettings s;
    s.seed = 1234;
    s.repeatPenalty = 1.1f;
    s.dryMultiplier = 0.8f;
    s.logitBias = {{5, -std::numeric_limits<float>::infinity()}};
    s.typicalP = 0.95f;
    s.xtcProbability = 0.5f;
    return s;
}

// Pieces for a 16-token vocabulary: token 9 is a newline.
std::vector<std::string> pieces()
{
    std::vector<std::string> out;
    for (int i = 0; i < 16; ++i)
        out.push_back(i == 9 ? std::string("\n") : "t" + std::to_string(i));
    return out;
}

// A fixed, reasonably spread distribution over 16 tokens.
std::vector<float> logits16()
{
    std::vector<float> logits;
    for (int i = 0; i < 16; ++i)
        logits.push_back(2.0f - 0.3f * static_cast<float>((i * 7) % 16));
    return logits;
}

QString describe(const SampleResult &result)
{
    QString text = QStringLiteral("token %1 p=%2 logp=%3 entropy=%4 nats\n")
                       .arg(result.token)
                       .arg(result.probability, 0, 'f', 4)
                       .arg(result.logProbability, 0, 'f', 4)
                       .arg(result.entropy, 0, 'f', 4);
    for (const StageRecord &record : result.records) {
        text += QStringLiteral("  %1 (%2 left):").arg(QString::fromStdString(record.stage), -12).arg(record.survivors);
        for (const TokenProbability &tp : record.top)
            text += QStringLiteral(" %1:%2").arg(tp.id).arg(tp.probability, 0, 'f', 3);
        text += QLatin1Char('\n');
    }
    return text;
}

} // namespace

class SamplerSettingsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void llamaCppDefaults()
    {
        const SamplerSettings s;
        QVERIFY(!s.seed);
        QCOMPARE(s.temperature, 0.8f);
        QCOMPARE(s.topK, 40);
        QCOMPARE(s.topP, 0.95f);
        QCOMPARE(s.minP, 0.05f);
        QCOMPARE(s.typicalP, 1.0f);
        QCOMPARE(s.penaltyLastN, 64);
        QCOMPARE(s.repeatPenalty, 1.0f);
        QCOMPARE(s.dryBase, 1.75f);
        QCOMPARE(s.dryAllowedLength, 2);
        QCOMPARE(s.xtcThreshold, 0.1f);
        QCOMPARE(s.mirostatTau, 5.0f);
        QCOMPARE(s.mirostatEta, 0.1f);
        QCOMPARE(s.drySequenceBreakers, (std::vector<std::string>{"\n", ":", "\"", "*"}));
    }

    void defaultChainSkipsIdleStages()
    {
        const SamplerChain chain = buildChain(SamplerSettings{});
        QCOMPARE(stageNames(chain), (std::vector<std::string>{"top-k", "top-p", "min-p", "temperature"}));
        QVERIFY(!chain.picker().isGreedy());
    }

    void conventionalOrderWithEverythingOn()
    {
        const SamplerChain chain = buildChain(everything(), pieces());
        QCOMPARE(stageNames(chain), (std::vector<std::string>{"penalties", "DRY", "logit bias", "top-k", "typical", "top-p", "min-p", "XTC", "temperature"}));
        QCOMPARE(chain.picker().seed(), std::optional<std::uint64_t>(1234));
    }

    void customOrder()
    {
        SamplerSettings s;
        s.order = {StageKind::Temperature, StageKind::MinP, StageKind::TopK};
        QCOMPARE(stageNames(buildChain(s)), (std::vector<std::string>{"temperature", "min-p", "top-k"}));
    }

    void mirostatReplacesTruncation()
    {
        SamplerSettings s = everything();
        s.mirostat = true;
        const SamplerChain chain = buildChain(s, pieces());
        QCOMPARE(stageNames(chain), (std::vector<std::string>{"penalties", "DRY", "logit bias", "temperature", "mirostat v2"}));
        QCOMPARE(static_cast<const MirostatStage &>(chain.stage(4)).mu(), 10.0);
    }

    void temperatureZeroIsGreedy()
    {
        SamplerSettings s = everything();
        s.temperature = 0.0f;
        SamplerChain chain = buildChain(s, pieces());
        QVERIFY(chain.picker().isGreedy());
        QCOMPARE(stageNames(chain), (std::vector<std::string>{"penalties", "DRY", "logit bias", "typical", "XTC"}));

        SamplerSettings plain;
        plain.temperature = 0.0f;
        SamplerChain greedy = buildChain(plain);
        const std::vector<float> logits = logitsOf({0.2, 0.5, 0.3});
        for (int i = 0; i < 10; ++i)
            QCOMPARE(greedy.sample(logits, {}).token, 1);
    }

    void drySettingsNeedTheVocabulary()
    {
        SamplerSettings s;
        s.dryMultiplier = 0.8f;
        QVERIFY_THROWS_EXCEPTION(Error, buildChain(s));
        s.drySequenceBreakers.clear();
        QCOMPARE(stageNames(buildChain(s)).front(), std::string("DRY"));
    }

    void badValuesThrow()
    {
        SamplerSettings s;
        s.topP = 1.5f;
        QVERIFY_THROWS_EXCEPTION(Error, buildChain(s));
        SamplerSettings penalty;
        penalty.repeatPenalty = 0.0f;
        QVERIFY_THROWS_EXCEPTION(Error, buildChain(penalty));
        SamplerSettings mirostat;
        mirostat.mirostat = true;
        mirostat.mirostatTau = 0.0f;
        QVERIFY_THROWS_EXCEPTION(Error, buildChain(mirostat));
    }

    void sameSeedSameTokensDifferentSeedsDiffer()
    {
        const auto generate = [](std::uint64_t seed) {
            SamplerSettings s = everything();
            s.seed = seed;
            s.temperature = 1.5f; // spread the distribution so seeds matter
            s.topK = 0;
            s.minP = 0.0f;
            SamplerChain chain = buildChain(s, pieces());
            const std::vector<float> logits = logits16();
            std::vector<TokenId> history{1, 2, 3};
            for (int i = 0; i < 64; ++i)
                history.push_back(chain.sample(logits, history).token);
            return history;
        };
        QCOMPARE(generate(77), generate(77));
        QVERIFY(generate(77) != generate(78));
    }

    void banIsRespectedThroughTheWholeChain()
    {
        SamplerSettings s = everything();
        s.temperature = 2.0f;
        SamplerChain chain = buildChain(s, pieces());
        const std::vector<float> logits = logits16();
        std::vector<TokenId> history;
        for (int i = 0; i < 200; ++i) {
            const TokenId token = chain.sample(logits, history).token;
            QVERIFY(token != 5);
            history.push_back(token);
        }
    }

    void exampleChainRecord()
    {
        SamplerSettings s = everything();
        s.xtcProbability = 1.0f;
        s.xtcThreshold = 0.1f;
        s.topK = 8;
        SamplerChain chain = buildChain(s, pieces());
        // The context ends in "t3 t4", which was followed by t0 and t11 before: DRY lowers both.
        const std::vector<TokenId> history{3, 4, 0, 3, 4, 11, 3, 4};
        const SampleResult result = chain.sample(logits16(), history, 5);
        QCOMPARE(result.records.size(), chain.stageCount() + 1);
        qInfo().noquote() << QStringLiteral("\nexample chain record:\n") + describe(result);
        double sum = 0.0;
        for (const TokenProbability &tp : result.records.back().top)
            sum += tp.probability;
        QVERIFY(sum <= 1.0 + 1e-6);
        QVERIFY(result.probability > 0.0 && result.probability <= 1.0);
    }
};

QTEST_GUILESS_MAIN(SamplerSettingsTest)
#include "SamplerSettingsTest.moc"
