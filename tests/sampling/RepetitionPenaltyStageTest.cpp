#include "Distributions.h"

#include "sampling/RepetitionPenaltyStage.h"
#include "util/Error.h"

using namespace glassbox;
using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

class RepetitionPenaltyStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void repeatPenaltyIsSignAware()
    {
        const std::vector<float> logits{2.0f, -2.0f, 1.0f, 0.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        const std::vector<TokenId> history{0, 1, 3};
        RepetitionPenaltyStage stage({64, 2.0f, 0.0f, 0.0f});
        stage.apply(candidates, {history});
        QCOMPARE(candidates[0].logit, 1.0f); // positive: divided
        QCOMPARE(candidates[1].logit, -4.0f); // negative: multiplied, so it drops too
        QCOMPARE(candidates[2].logit, 1.0f); // not seen: untouched
        QCOMPARE(candidates[3].logit, 0.0f); // zero stays zero
    }

    void frequencyAndPresence()
    {
        const std::vector<float> logits{1.0f, 1.0f, 1.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        // Token 0 three times, token 1 once.
        const std::vector<TokenId> history{0, 1, 0, 0};
        RepetitionPenaltyStage stage({64, 1.0f, 0.5f, 0.25f});
        stage.apply(candidates, {history});
        QCOMPARE(candidates[0].logit, 1.0f - 3 * 0.5f - 0.25f);
        QCOMPARE(candidates[1].logit, 1.0f - 1 * 0.5f - 0.25f);
        QCOMPARE(candidates[2].logit, 1.0f);
    }

    void onlyTheWindowCounts()
    {
        const std::vector<float> logits{1.0f, 1.0f, 1.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        const std::vector<TokenId> history{0, 0, 1, 2};
        RepetitionPenaltyStage stage({2, 1.0f, 1.0f, 0.0f});
        stage.apply(candidates, {history});
        QCOMPARE(candidates[0].logit, 1.0f); // outside the last two tokens
        QCOMPARE(candidates[1].logit, 0.0f);
        QCOMPARE(candidates[2].logit, 0.0f);
    }

    void wholeHistoryWindow()
    {
        const std::vector<float> logits{1.0f, 1.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        const std::vector<TokenId> history{0, 1, 1, 1};
        RepetitionPenaltyStage stage({-1, 1.0f, 1.0f, 0.0f});
        stage.apply(candidates, {history});
        QCOMPARE(candidates[0].logit, 0.0f);
        QCOMPARE(candidates[1].logit, -2.0f);
    }

    void worksOnReorderedCandidates()
    {
        Candidates candidates = candidatesOf({0.1, 0.6, 0.3});
        candidates.softmax(); // order 1, 2, 0
        const float before = candidates[0].logit;
        const std::vector<TokenId> history{1};
        RepetitionPenaltyStage stage({64, 1.0f, 0.0f, 1.0f});
        stage.apply(candidates, {history});
        QCOMPARE(candidates[*candidates.find(1)].logit, before - 1.0f);
    }

    void rejectsNonPositivePenalty()
    {
        QVERIFY_THROWS_EXCEPTION(Error, RepetitionPenaltyStage({64, 0.0f, 0.0f, 0.0f}));
    }
};

QTEST_GUILESS_MAIN(RepetitionPenaltyStageTest)
#include "RepetitionPenaltyStageTest.moc"
