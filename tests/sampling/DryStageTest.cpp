#include "Distributions.h"

#include "sampling/DryStage.h"

using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

namespace
{

// Ids used as letters in the histories below.
constexpr TokenId A = 1, B = 2, C = 3, D = 4, X = 5, Y = 6, Nl = 7;

DryStage::Params params(std::unordered_set<TokenId> breakers = {})
{
    return DryStage::Params{0.8f, 1.75f, 2, -1, std::move(breakers)};
}

std::vector<float> penalised(const DryStage::Params &p, const std::vector<TokenId> &history)
{
    Candidates candidates = Candidates::fromLogits(std::vector<float>(8, 0.0f));
    DryStage(p).apply(candidates, {history});
    std::vector<float> logits;
    for (const Candidate &c : candidates.items())
        logits.push_back(c.logit);
    return logits;
}

} // namespace

class DryStageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void penalisesTheTokenThatContinuesARepeat()
    {
        // "A B C D X A B C": the end "A B C" (length 3) was followed by D. 0.8 * 1.75^(3-2) = 1.4.
        const auto logits = penalised(params(), {A, B, C, D, X, A, B, C});
        GB_COMPARE_NEAR(logits[D], -1.4, 1e-6);
        for (TokenId id : {0, 1, 2, 3, 5, 6, 7})
            QCOMPARE(logits[static_cast<std::size_t>(id)], 0.0f);
    }

    void penaltyGrowsWithTheRepeat()
    {
        // "Y A B C D X Y A B C": the end "Y A B C" (length 4) -> 0.8 * 1.75^2 = 2.45.
        const auto logits = penalised(params(), {Y, A, B, C, D, X, Y, A, B, C});
        GB_COMPARE_NEAR(logits[D], -2.45, 1e-6);
    }

    void shortRepeatsAreAllowed()
    {
        // Only "C" repeats (length 1 < allowed 2).
        const auto logits = penalised(params(), {A, C, D, X, B, C});
        QCOMPARE(logits[D], 0.0f);
    }

    void exactlyAllowedLengthGetsTheBasePenalty()
    {
        // "B C" (length 2): 0.8 * 1.75^0 = 0.8.
        const auto logits = penalised(params(), {B, C, D, X, B, C});
        GB_COMPARE_NEAR(logits[D], -0.8, 1e-6);
    }

    void longestRepeatWinsPerToken()
    {
        // "A B C" was followed by D (length 3), the later "B C" by X (length 2).
        const auto logits = penalised(params(), {A, B, C, D, B, C, X, A, B, C});
        GB_COMPARE_NEAR(logits[D], -1.4, 1e-6);
        GB_COMPARE_NEAR(logits[X], -0.8, 1e-6);
    }

    void sequenceBreakersCutTheMatch()
    {
        // Without breakers the end "Y A B C" matches length 4; with A a breaker only "B C" counts.
        const auto logits = penalised(params({A}), {Y, A, B, C, D, X, Y, A, B, C});
        GB_COMPARE_NEAR(logits[D], -0.8, 1e-6);
    }

    void breakerAtTheEndDisablesDry()
    {
        const auto logits = penalised(params({Nl}), {A, B, Nl, C, A, B, Nl});
        for (float logit : logits)
            QCOMPARE(logit, 0.0f);
    }

    void windowLimitsTheSearch()
    {
        DryStage::Params p = params();
        p.window = 4; // only "X A B C": no earlier occurrence
        const auto logits = penalised(p, {A, B, C, D, X, A, B, C});
        QCOMPARE(logits[D], 0.0f);
    }

    void offWithZeroMultiplier()
    {
        DryStage::Params p = params();
        p.multiplier = 0.0f;
        const auto logits = penalised(p, {A, B, C, D, X, A, B, C});
        QCOMPARE(logits[D], 0.0f);
    }

    void hugeRepeatsDoNotOverflow()
    {
        std::vector<TokenId> history;
        for (int i = 0; i < 600; ++i)
            history.push_back(i % 2 == 0 ? A : B);
        const auto logits = penalised(params(), history);
        QVERIFY(std::isfinite(logits[A]));
        QVERIFY(logits[A] < -1e30f);
    }

    void breakerTokensFromTheirText()
    {
        const std::vector<std::string> pieces{"Hello", ".\n", ":", "say", "\"quote", "*"};
        const std::vector<std::string> breakers{"\n", ":", "\""};
        const auto tokens = DryStage::breakerTokens(pieces, breakers);
        QCOMPARE(tokens, (std::unordered_set<TokenId>{1, 2, 4}));
    }
};

QTEST_GUILESS_MAIN(DryStageTest)
#include "DryStageTest.moc"
