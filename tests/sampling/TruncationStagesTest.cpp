#include "Distributions.h"

#include "sampling/TruncationStages.h"
#include "util/Error.h"

using namespace glassbox;
using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

// The lead's example distribution, given out of order so the stages must sort.
Candidates example()
{
    // ids:          0     1     2     3     4
    return candidatesOf({0.08, 0.60, 0.03, 0.25, 0.04});
}

} // namespace

class TruncationStagesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topPKeepsTheSmallestPrefixReachingP()
    {
        // 0.60, 0.85, 0.93 >= 0.9: exactly the first three.
        Candidates candidates = example();
        TopPStage(0.9f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3, 0}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.60 / 0.93, 1e-6);
    }

    void topPReachedExactlyStops()
    {
        // 0.60 + 0.25 = 0.85 >= 0.85 (with float slack below it).
        Candidates candidates = example();
        TopPStage(0.849f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3}));
    }

    void topPHonoursMinKeep()
    {
        Candidates candidates = example();
        TopPStage(0.5f, 4).apply(candidates, {});
        QCOMPARE(candidates.size(), std::size_t{4});
    }

    void topPOfOneKeepsAll()
    {
        Candidates candidates = example();
        TopPStage(1.0f).apply(candidates, {});
        QCOMPARE(candidates.size(), std::size_t{5});
    }

    void minPKeepsAtLeastAFractionOfTheTop()
    {
        // 0.1 * 0.60 = 0.06: 0.60, 0.25, 0.08 stay; 0.04 and 0.03 go.
        Candidates candidates = example();
        MinPStage(0.1f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3, 0}));
    }

    void minPHonoursMinKeep()
    {
        Candidates candidates = example();
        MinPStage(0.9f, 2).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3}));
    }

    void topK()
    {
        Candidates candidates = example();
        TopKStage(2).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3}));
        GB_COMPARE_NEAR(probabilityOf(candidates, 3), 0.25 / 0.85, 1e-6);
    }

    void topKOffOrLarge()
    {
        Candidates off = example();
        TopKStage(0).apply(off, {});
        QCOMPARE(off.size(), std::size_t{5});
        Candidates large = example();
        TopKStage(100).apply(large, {});
        QCOMPARE(large.size(), std::size_t{5});
    }

    void typicalCanDropTheMostLikely()
    {
        // H = -(0.4 ln 0.4 + 2 * 0.3 ln 0.3) = 1.0889 nats. |-ln p - H|: 0.4 -> 0.1726, 0.3 -> 0.1151.
        // The two 0.3 tokens are the typical ones; 0.3 + 0.3 = 0.6 > 0.5 ends the set.
        Candidates candidates = candidatesOf({0.4, 0.3, 0.3});
        TypicalStage(0.5f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 2}));
        QVERIFY(!candidates.sorted());
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.5, 1e-6);
    }

    void typicalOrdersByTypicality()
    {
        // 0.6 <= 0.7, so the least typical token is needed too; it comes last.
        Candidates candidates = candidatesOf({0.4, 0.3, 0.3});
        TypicalStage(0.7f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 2, 0}));
    }

    void typicalOnThePeakedExample()
    {
        // Example: H = 1.0891 nats; distances 0.60 -> 0.578, 0.25 -> 0.297, 0.08 -> 1.437,
        // 0.04 -> 2.130, 0.03 -> 2.417. Order 0.25, 0.60, 0.08...; 0.25 + 0.60 = 0.85 > 0.8.
        Candidates candidates = example();
        TypicalStage(0.8f).apply(candidates, {});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{3, 1}));
    }

    void rejectsOutOfRange()
    {
        QVERIFY_THROWS_EXCEPTION(Error, TopPStage(1.5f));
        QVERIFY_THROWS_EXCEPTION(Error, MinPStage(-0.1f));
        QVERIFY_THROWS_EXCEPTION(Error, TypicalStage(2.0f));
    }
};

QTEST_GUILESS_MAIN(TruncationStagesTest)
#include "TruncationStagesTest.moc"
