#include "Distributions.h"

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

class CandidatesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromLogitsKeepsIdOrder()
    {
        const std::vector<float> logits{1.0f, 3.0f, 2.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        QCOMPARE(candidates.size(), std::size_t{3});
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{0, 1, 2}));
        QVERIFY(!candidates.sorted());
        QVERIFY(!candidates.normalized());
        QCOMPARE(*candidates.find(2), std::size_t{2});
        QVERIFY(!candidates.find(3));
        QVERIFY(!candidates.find(-1));
    }

    void softmaxSortsAndNormalizes()
    {
        Candidates candidates = candidatesOf({0.2, 0.5, 0.3});
        candidates.softmax();
        QVERIFY(candidates.sorted());
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 2, 0}));
        GB_COMPARE_NEAR(candidates[0].probability, 0.5, 1e-6);
        GB_COMPARE_NEAR(candidates[1].probability, 0.3, 1e-6);
        GB_COMPARE_NEAR(candidates[2].probability, 0.2, 1e-6);
        // Lookup still works after the order changed.
        QCOMPARE(*candidates.find(0), std::size_t{2});
    }

    void equalLogitsSortByIdSoTheOrderIsPortable()
    {
        const std::vector<float> logits{1.0f, 2.0f, 1.0f, 2.0f, 1.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        candidates.sortByLogit();
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3, 0, 2, 4}));
    }

    void keepTopIsAPartialSort()
    {
        const std::vector<float> logits{0.5f, 4.0f, -1.0f, 3.0f, 2.0f};
        Candidates candidates = Candidates::fromLogits(logits);
        candidates.keepTop(2);
        QVERIFY(candidates.sorted());
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3}));
    }

    void truncationRenormalizes()
    {
        Candidates candidates = candidatesOf({0.5, 0.3, 0.2});
        candidates.softmax();
        candidates.truncate(2);
        QVERIFY(!candidates.normalized());
        GB_COMPARE_NEAR(probabilityOf(candidates, 0), 0.625, 1e-6);
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.375, 1e-6);
    }

    void setLogitInvalidatesTheCache()
    {
        Candidates candidates = candidatesOf({0.5, 0.5});
        candidates.softmax();
        candidates.setLogit(1, candidates[1].logit + static_cast<float>(std::log(3.0)));
        QVERIFY(!candidates.sorted());
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.75, 1e-6);
    }

    void removals()
    {
        Candidates candidates = candidatesOf({0.4, 0.3, 0.2, 0.1});
        candidates.removeFirst(1);
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 2, 3}));
        candidates.removeIf([](const Candidate &c) {
            return c.id == 2;
        });
        QCOMPARE(idsOf(candidates), (std::vector<TokenId>{1, 3}));
        QCOMPARE(*candidates.find(3), std::size_t{1});
        GB_COMPARE_NEAR(probabilityOf(candidates, 1), 0.75, 1e-6);
    }

    void allBannedGivesZeroProbabilities()
    {
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> logits{-inf, -inf};
        Candidates candidates = Candidates::fromLogits(logits);
        candidates.normalize();
        QCOMPARE(candidates[0].probability, 0.0f);
        QCOMPARE(candidates[1].probability, 0.0f);
    }
};

QTEST_GUILESS_MAIN(CandidatesTest)
#include "CandidatesTest.moc"
