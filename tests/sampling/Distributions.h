#pragma once

#include "sampling/Candidates.h"

#include <QTest>

#include <cmath>
#include <initializer_list>
#include <vector>

namespace glassbox::sampling::test
{

// Logits whose softmax is the given distribution (ids 0, 1, 2... in the order given).
inline std::vector<float> logitsOf(std::initializer_list<double> probabilities)
{
    std::vector<float> logits;
    for (double p : probabilities)
        logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

inline Candidates candidatesOf(std::initializer_list<double> probabilities)
{
    return Candidates::fromLogits(logitsOf(probabilities));
}

inline std::vector<TokenId> idsOf(const Candidates &candidates)
{
    std::vector<TokenId> ids;
    for (const Candidate &c : candidates.items())
        ids.push_back(c.id);
    return ids;
}

// Probability of a token after renormalising over the candidates left.
inline double probabilityOf(Candidates &candidates, TokenId id)
{
    candidates.normalize();
    const auto position = candidates.find(id);
    return position ? candidates[*position].probability : 0.0;
}

} // namespace glassbox::sampling::test

#define GB_COMPARE_NEAR(actual, expected, tolerance)                                                                                                           \
    QVERIFY2(std::abs(static_cast<double>(actual) - static_cast<double>(expected)) <= (tolerance),                                                             \
             qPrintable(QStringLiteral("%1 is %2, expected %3")                                                                                                \
                            .arg(QStringLiteral(#actual))                                                                                                      \
                            .arg(static_cast<double>(actual), 0, 'g', 10)                                                                                      \
                            .arg(static_cast<double>(expected), 0, 'g', 10)))
