#include "Distributions.h"

#include "sampling/MirostatStage.h"
#include "sampling/SamplerChain.h"

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

// Surprises (-log2 p) of 1, 2, 3, 4, 5, 5 bits.
Candidates dyadic()
{
    return candidatesOf({0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125});
}

} // namespace

class MirostatStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void muStartsAtTwiceTau()
    {
        QCOMPARE(MirostatStage(5.0f, 0.1f).mu(), 10.0);
    }

    void cutsTokensMoreSurprisingThanMu()
    {
        // tau 1.6 -> mu 3.2: surprises 1, 2, 3 stay, 4 and 5 go.
        MirostatStage stage(1.6f, 0.1f);
        Candidates candidates = dyadic();
        stage.apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{0, 1, 2}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 0), 4.0 / 7.0, 1e-6);
    }

    void keepsTheTopTokenWhenMuIsTiny()
    {
        MirostatStage stage(1.0f, 1.0f);
        stage.accept(0, 1.0 / 1024); // 10 bits of surprise: mu = 2 - (10 - 1) = -7
        GB_COMPARE_NEAR(stage.mu(), -7.0, 1e-12);
        Candidates candidates = dyadic();
        stage.apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{0}));
    }

    void muFollowsTheObservedSurprise()
    {
        // mu = 10 - 0.1 * (2 - 5) = 10.3 after a 2-bit token.
        MirostatStage stage(5.0f, 0.1f);
        stage.accept(1, 0.25);
        GB_COMPARE_NEAR(stage.mu(), 10.3, 1e-6); // eta is the float 0.1
        stage.reset();
        QCOMPARE(stage.mu(), 10.0);
    }

    void chainReportsTheRenormalisedProbability()
    {
        // After the cut the greedy pick has p = 4/7: surprise log2(7/4) = 0.807355 bits,
        // mu = 3.2 - 0.1 * (0.807355 - 1.6) = 3.2792645.
        SamplerChain chain(Picker::greedy());
        chain.add(std::make_unique<MirostatStage>(1.6f, 0.1f));
        const auto *stage = static_cast<const MirostatStage *>(&chain.stage(0));
        const std::vector<TokenId> history;
        const SampleResult result = chain.sample(dyadic(), history);
        QCOMPARE(result.token, 0);
        GB_COMPARE_NEAR(result.probability, 4.0 / 7.0, 1e-6);
        GB_COMPARE_NEAR(stage->mu(), 3.2 - 0.1 * (std::log2(7.0 / 4.0) - 1.6), 1e-6);
    }
};

QTEST_GUILESS_MAIN(MirostatStageTest)
#include "MirostatStageTest.moc"
