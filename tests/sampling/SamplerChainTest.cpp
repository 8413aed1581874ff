#include "Distributions.h"

#include "sampling/SamplerChain.h"
#include "sampling/TemperatureStage.h"
#include "sampling/TruncationStages.h"
#include "util/Error.h"

using namespace glassbox;
using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

SamplerChain topKThenTemperature(Picker picker)
{
    SamplerChain chain(std::move(picker));
    chain.add(std::make_unique<TopKStage>(2));
    chain.add(std::make_unique<TemperatureStage>(0.5f));
    return chain;
}

} // namespace

class SamplerChainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsStagesInOrderThenPicks()
    {
        // top-k 2 leaves 0.6 / 0.25; temperature 0.5 squares: 0.36 / 0.0625 over 0.4225.
        SamplerChain chain = topKThenTemperature(Picker::greedy());
        const std::vector<float> logits = logitsOf({0.08, 0.60, 0.03, 0.25, 0.04});
        const SampleResult result = chain.sample(logits, {});
        QCOMPARE(result.token, 1);
        const double p = 0.36 / 0.4225;
        const double q = 0.0625 / 0.4225;
        GB_COMPARE_NEAR(result.probability, p, 1e-6);
        GB_COMPARE_NEAR(result.logProbability, std::log(p), 1e-6);
        GB_COMPARE_NEAR(result.entropy, -(p * std::log(p) + q * std::log(q)), 1e-6);
        QVERIFY(result.records.empty());
    }

    void recordsEveryStage()
    {
        SamplerChain chain = topKThenTemperature(Picker::seeded(1));
        const std::vector<float> logits = logitsOf({0.08, 0.60, 0.03, 0.25, 0.04});
        const SampleResult result = chain.sample(logits, {}, 3);
        QCOMPARE(result.records.size(), std::size_t{3});

        const StageRecord &input = result.records[0];
        QCOMPARE(input.stage, std::string("logits"));
        QCOMPARE(input.survivors, std::size_t{5});
        QCOMPARE(input.top.size(), std::size_t{3});
        QCOMPARE(input.top[0].id, 1);
        GB_COMPARE_NEAR(input.top[0].probability, 0.60, 1e-6);
        QCOMPARE(input.top[1].id, 3);
        QCOMPARE(input.top[2].id, 0);

        const StageRecord &topK = result.records[1];
        QCOMPARE(topK.stage, std::string("top-k"));
        QCOMPARE(topK.survivors, std::size_t{2});
        QCOMPARE(topK.top.size(), std::size_t{2});
        GB_COMPARE_NEAR(topK.top[0].probability, 0.60 / 0.85, 1e-6);

        const StageRecord &temperature = result.records[2];
        QCOMPARE(temperature.stage, std::string("temperature"));
        GB_COMPARE_NEAR(temperature.top[0].probability, 0.36 / 0.4225, 1e-6);
    }

    void recordingDoesNotChangeThePicks()
    {
        const std::vector<float> logits = logitsOf({0.3, 0.3, 0.2, 0.1, 0.1});
        SamplerChain quiet(Picker::seeded(11));
        quiet.add(std::make_unique<TopPStage>(0.95f));
        SamplerChain recording(Picker::seeded(11));
        recording.add(std::make_unique<TopPStage>(0.95f));
        for (int i = 0; i < 100; ++i)
            QCOMPARE(recording.sample(logits, {}, 4).token, quiet.sample(logits, {}).token);
    }

    void resetReplaysTheSequence()
    {
        const std::vector<float> logits = logitsOf({0.4, 0.3, 0.2, 0.1});
        SamplerChain chain(Picker::seeded(5));
        std::vector<TokenId> first;
        for (int i = 0; i < 30; ++i)
            first.push_back(chain.sample(logits, {}).token);
        chain.reset();
        for (int i = 0; i < 30; ++i)
            QCOMPARE(chain.sample(logits, {}).token, first[static_cast<std::size_t>(i)]);
    }

    void emptyVocabularyThrows()
    {
        SamplerChain chain;
        QVERIFY_THROWS_EXCEPTION(Error, chain.sample(std::span<const float>{}, {}));
    }
};

QTEST_GUILESS_MAIN(SamplerChainTest)
#include "SamplerChainTest.moc"
