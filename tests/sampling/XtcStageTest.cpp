#include "Distributions.h"

#include "sampling/XtcStage.h"

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

Candidates example()
{
    return candidatesOf({0.1, 0.4, 0.2, 0.3});
}

} // namespace

class XtcStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void removesTopChoicesButTheLeastLikelyOfThem()
    {
        // 0.4, 0.3, 0.2 clear 0.15: 0.4 and 0.3 go, 0.2 stays as the safest of the top choices.
        Candidates candidates = example();
        XtcStage(1.0f, 0.15f, 1).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{2, 0}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 2), 2.0 / 3.0, 1e-6);
    }

    void needsTwoTokensAboveTheThreshold()
    {
        Candidates candidates = example();
        XtcStage(1.0f, 0.35f, 1).apply(candidates, {});
        QCOMPARE(candidates.size(), std::size_t{4});
    }

    void neverFiresAtProbabilityZero()
    {
        Candidates candidates = example();
        XtcStage(0.0f, 0.15f, 1).apply(candidates, {});
        QCOMPARE(candidates.size(), std::size_t{4});
    }

    void honoursMinKeep()
    {
        Candidates candidates = example();
        XtcStage(1.0f, 0.15f, 1, 3).apply(candidates, {});
        QCOMPARE(candidates.size(), std::size_t{4});
    }

    void firesWithTheGivenProbabilityReproducibly()
    {
        const auto firings = [](std::uint64_t seed) {
            XtcStage stage(0.3f, 0.15f, seed);
            std::vector<bool> fired;
            for (int i = 0; i < 2000; ++i) {
                Candidates candidates = example();
                stage.apply(candidates, {});
                fired.push_back(candidates.size() < 4);
            }
            return fired;
        };
        const std::vector<bool> first = firings(7);
        QCOMPARE(firings(7), first);
        QVERIFY(firings(8) != first);
        const auto count = std::count(first.begin(), first.end(), true);
        // Binomial(2000, 0.3): mean 600, sd 20.5; 5 sd either side.
        QVERIFY2(count > 497 && count < 703, qPrintable(QString::number(count)));
    }

    void resetReplaysTheStream()
    {
        XtcStage stage(0.5f, 0.15f, 3);
        std::vector<std::size_t> before;
        for (int i = 0; i < 50; ++i) {
            Candidates candidates = example();
            stage.apply(candidates, {});
            before.push_back(candidates.size());
        }
        stage.reset();
        for (int i = 0; i < 50; ++i) {
            Candidates candidates = example();
            stage.apply(candidates, {});
            QCOMPARE(candidates.size(), before[static_cast<std::size_t>(i)]);
        }
    }
};

QTEST_GUILESS_MAIN(XtcStageTest)
#include "XtcStageTest.moc"
