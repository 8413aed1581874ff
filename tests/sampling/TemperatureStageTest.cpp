#include "Distributions.h"

#include "sampling/TemperatureStage.h"

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

class TemperatureStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void halfSquaresAndRenormalizes()
    {
        // T = 0.5 doubles the logits: p_i^2 / sum p^2 = 0.25, 0.09, 0.04 over 0.38.
        Candidates candidates = candidatesOf({0.5, 0.3, 0.2});
        TemperatureStage(0.5f).apply(candidates, {});
        GB_COMPARE_NEAR(probabilityOf(candidates, 0), 0.25 / 0.38, 1e-6);
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.09 / 0.38, 1e-6);
        GB_COMPARE_NEAR(probabilityOf(candidates, 2), 0.04 / 0.38, 1e-6);
    }

    void twoTakesTheSquareRoot()
    {
        Candidates candidates = candidatesOf({0.64, 0.36});
        TemperatureStage(2.0f).apply(candidates, {});
        GB_COMPARE_NEAR(probabilityOf(candidates, 0), 0.8 / 1.4, 1e-6);
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.6 / 1.4, 1e-6);
    }

    void zeroKeepsOnlyTheMostLikely()
    {
        Candidates candidates = candidatesOf({0.2, 0.5, 0.3});
        TemperatureStage(0.0f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 1.0, 1e-9);
    }
};

QTEST_GUILESS_MAIN(TemperatureStageTest)
#include "TemperatureStageTest.moc"
