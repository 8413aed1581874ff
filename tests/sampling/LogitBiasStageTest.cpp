#include "Distributions.h"

#include "sampling/LogitBiasStage.h"

#include <limits>

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

class LogitBiasStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addsBias()
    {
        const std::vector<float> logits{1.0f, 2.0f, 3.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        LogitBiasStage stage({{0, 2.5f}, {2, -1.0f}, {7, 5.0f}}); // 7 is not in the vocabulary: ignored
        stage.apply(candidates, {});
        QCOMPARE(candidates[0].logit, 3.5f);
        QCOMPARE(candidates[1].logit, 2.0f);
        QCOMPARE(candidates[2].logit, 2.0f);
    }

    void minusInfinityBans()
    {
        Candidates candidates = candidatesOf({0.5, 0.25, 0.25});
        LogitBiasStage stage({{0, -std::numeric_limits<float>::infinity()}});
        stage.apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 2}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.5, 1e-6);
    }
};

QTEST_GUILESS_MAIN(LogitBiasStageTest)
#include "LogitBiasStageTest.moc"
