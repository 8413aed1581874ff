#include "Distributions.h"

#include "sampling/Picker.h"
#include "util/Error.h"

#include <array>
#include <limits>

using namespace glassbox;
using namespace glassbox::sampling;
using namespace glassbox::sampling::test;

class PickerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void greedyTakesTheArgmax()
    {
        Picker picker = Picker::greedy();
        QVERIFY(picker.isGreedy());
        QVERIFY(!picker.seed());
        Candidates candidates = candidatesOf({0.2, 0.5, 0.3});
        QCOMPARE(candidates[picker.pick(candidates)].id, 1);
    }

    void greedyBreaksTiesByLowestId()
    {
        Picker picker = Picker::greedy();
        Candidates candidates = candidatesOf({0.2, 0.4, 0.4});
        QCOMPARE(candidates[picker.pick(candidates)].id, 1);
    }

    void sameSeedSameSequence()
    {
        const auto draws = [](std::uint64_t seed) {
            Picker picker = Picker::seeded(seed);
            std::vector<TokenId> ids;
            for (int i = 0; i < 200; ++i) {
                Candidates candidates = candidatesOf({0.3, 0.3, 0.2, 0.1, 0.1});
                ids.push_back(candidates[picker.pick(candidates)].id);
            }
            return ids;
        };
        QCOMPARE(draws(42), draws(42));
        QVERIFY(draws(42) != draws(43));
    }

    void pinnedSequenceIsPortable()
    {
        // mt19937_64 is specified bit for bit (the standard pins its 10000th output for the default
        // seed 5489), and the uniform double is derived here, so draws match on every platform.
        Rng rng(5489);
        for (int i = 1; i < 10000; ++i)
            rng.uniform();
        QCOMPARE(rng.uniform(), static_cast<double>(9981545732273789042ULL >> 11) * 0x1.0p-53);
    }

    void resetReplays()
    {
        Picker picker = Picker::seeded(9);
        std::vector<TokenId> first;
        for (int i = 0; i < 20; ++i) {
            Candidates candidates = candidatesOf({0.25, 0.25, 0.25, 0.25});
            first.push_back(candidates[picker.pick(candidates)].id);
        }
        picker.reset();
        for (int i = 0; i < 20; ++i) {
            Candidates candidates = candidatesOf({0.25, 0.25, 0.25, 0.25});
            QCOMPARE(candidates[picker.pick(candidates)].id, first[static_cast<std::size_t>(i)]);
        }
    }

    void drawsFollowTheDistribution()
    {
        // 100k draws, chi-square with 4 degrees of freedom: 18.47 is the 0.1% critical value.
        constexpr std::array<double, 5> expected{0.5, 0.2, 0.15, 0.1, 0.05};
        constexpr int draws = 100000;
        Picker picker = Picker::seeded(20240601);
        const Candidates distribution = candidatesOf({0.5, 0.2, 0.15, 0.1, 0.05});
        std::array<int, 5> counts{};
        for (int i = 0; i < draws; ++i) {
            Candidates candidates = distribution;
            ++counts[static_cast<std::size_t>(candidates[picker.pick(candidates)].id)];
        }
        double chiSquare = 0.0;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const double e = expected[i] * draws;
            chiSquare += (counts[i] - e) * (counts[i] - e) / e;
        }
        qInfo("chi-square over 100000 draws: %.3f (bound 18.47); counts %d %d %d %d %d", chiSquare, counts[0], counts[1], counts[2], counts[3], counts[4]);
        QVERIFY(chiSquare < 18.47);
    }

    void zeroProbabilityIsNeverDrawn()
    {
        const float inf = std::numeric_limits<float>::infinity();
        Picker picker = Picker::seeded(1);
        for (int i = 0; i < 1000; ++i) {
            Candidates candidates = Candidates::fromLogits(std::vector<float>{-inf, 0.0f, -inf});
            QCOMPARE(candidates[picker.pick(candidates)].id, 1);
        }
    }

    void nothingToPickThrows()
    {
        const float inf = std::numeric_limits<float>::infinity();
        Picker picker = Picker::seeded(1);
        Candidates banned = Candidates::fromLogits(std::vector<float>{-inf, -inf});
        QVERIFY_THROWS_EXCEPTION(Error, picker.pick(banned));
        Candidates empty;
        QVERIFY_THROWS_EXCEPTION(Error, picker.pick(empty));
        Candidates nan = Candidates::fromLogits(std::vector<float>{std::numeric_limits<float>::quiet_NaN(), 1.0f});
        QVERIFY_THROWS_EXCEPTION(Error, Picker::greedy().pick(nan));
    }
};

QTEST_GUILESS_MAIN(PickerTest)
#include "PickerTest.moc"
