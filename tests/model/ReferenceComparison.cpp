#include "ReferenceComparison.h"

#include "compute/ComputeBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <span>

namespace glassbox::test {

namespace {

// Near-ties, where llama.cpp's own batch and single-token paths may already disagree.
constexpr double kTieMargin = 1e-3;
// Greedy continuations are compared up to the first step whose reference margin is below this.
constexpr double kGreedyMargin = 0.02;
constexpr double kMinTop1 = 0.99;
constexpr double kMaxMeanKl = 0.005;

struct Metrics {
    std::size_t comparedRows = 0;
    std::size_t agreeingRows = 0;
    std::size_t klRows = 0;
    double klSum = 0.0;
    double klMax = 0.0;
    std::size_t greedyMatched = 0;
    std::size_t greedyCompared = 0;
    QStringList greedyFailures;
};

std::vector<std::int32_t> ids(const QJsonArray &array)
{
    std::vector<std::int32_t> result;
    result.reserve(std::size_t(array.size()));
    for (const QJsonValue &value : array)
        result.push_back(value.toInt());
    return result;
}

std::vector<double> numbers(const QJsonArray &array)
{
    std::vector<double> result;
    result.reserve(std::size_t(array.size()));
    for (const QJsonValue &value : array)
        result.push_back(value.toDouble());
    return result;
}

// The top logprobs of one row: as written by reference.mjs, or as trimmed for tests/data
// (the top logprob and the steps down to each next one, in 1e-6).
std::vector<double> logprobs(const QJsonObject &forced, qsizetype row)
{
    const QJsonValue plain = forced[QStringLiteral("top_logprobs")];
    if (!plain.isUndefined())
        return numbers(plain.toArray()[row].toArray());
    std::vector<double> result;
    qint64 micro = 0;
    for (const QJsonValue &step : forced[QStringLiteral("top_logprob_steps_e6")].toArray()[row].toArray()) {
        micro = result.empty() ? step.toInteger() : micro - step.toInteger();
        result.push_back(double(micro) * 1e-6);
    }
    return result;
}

std::int32_t argmax(const float *logits, std::size_t vocab)
{
    return static_cast<std::int32_t>(std::max_element(logits, logits + vocab) - logits); // first of equals: lowest id
}

// KL(p‖q) with both distributions renormalized over the reference's top ids.
double restrictedKl(const std::vector<std::int32_t> &refIds, const std::vector<double> &refLogprobs, const float *logits)
{
    double refMax = -INFINITY;
    double ourMax = -INFINITY;
    for (std::size_t j = 0; j < refIds.size(); ++j) {
        refMax = std::max(refMax, refLogprobs[j]);
        ourMax = std::max(ourMax, double(logits[refIds[j]]));
    }
    double refSum = 0.0;
    double ourSum = 0.0;
    for (std::size_t j = 0; j < refIds.size(); ++j) {
        refSum += std::exp(refLogprobs[j] - refMax);
        ourSum += std::exp(double(logits[refIds[j]]) - ourMax);
    }
    double kl = 0.0;
    for (std::size_t j = 0; j < refIds.size(); ++j) {
        const double logP = refLogprobs[j] - refMax - std::log(refSum);
        const double logQ = double(logits[refIds[j]]) - ourMax - std::log(ourSum);
        kl += std::exp(logP) * (logP - logQ);
    }
    return kl;
}

// Runs every prompt of `refs` (which share them and their KV type) and scores the outputs against each.
std::vector<Metrics> run(model::Transformer &transformer, const std::vector<const Reference *> &refs)
{
    const std::size_t vocab = transformer.config().vocab;
    const gguf::TensorType kvType = refs.front()->kvType;
    std::vector<Metrics> metrics(refs.size());
    for (std::size_t c = 0; c < refs.front()->cases.size(); ++c) {
        const std::vector<std::int32_t> &input = refs.front()->cases[c].input;
        std::size_t steps = 0;
        for (const Reference *ref : refs)
            steps = std::max(steps, ref->cases[c].greedyLimit);
        session::Session session(transformer, {.contextLength = input.size() + steps, .kvType = kvType});
        const std::vector<float> logits = session.prefill(input, session::Session::Logits::All);
        for (std::size_t r = 0; r < refs.size(); ++r) {
            const ReferenceCase &refCase = refs[r]->cases[c];
            Metrics &m = metrics[r];
            for (std::size_t i = 0; i < input.size(); ++i) {
                const float *row = logits.data() + i * vocab;
                const double kl = restrictedKl(refCase.topIds[i], refCase.topLogprobs[i], row);
                m.klSum += kl;
                m.klMax = std::max(m.klMax, kl);
                ++m.klRows;
                if (refCase.margins[i] < kTieMargin)
                    continue;
                ++m.comparedRows;
                m.agreeingRows += argmax(row, vocab) == refCase.topIds[i].front();
            }
        }
        if (steps == 0)
            continue;

        // The greedy continuation as llama.cpp makes it: the prompt but its last token as one batch,
        // the last token alone, then one decoded token at a time.
        session.truncate(0);
        if (input.size() > 1)
            session.prefill(std::span(input).first(input.size() - 1));
        std::vector<std::int32_t> ours;
        std::vector<float> next = session.decode(input.back());
        while (true) {
            ours.push_back(argmax(next.data(), vocab));
            // Decode on while some reference has matched so far and allows more steps.
            const bool more = std::any_of(refs.begin(), refs.end(), [&](const Reference *ref) {
                const ReferenceCase &refCase = ref->cases[c];
                return ours.size() < refCase.greedyLimit && std::equal(ours.begin(), ours.end(), refCase.greedy.begin());
            });
            if (!more)
                break;
            next = session.decode(ours.back());
        }
        for (std::size_t r = 0; r < refs.size(); ++r) {
            const ReferenceCase &refCase = refs[r]->cases[c];
            std::size_t matched = 0;
            while (matched < refCase.greedyLimit && matched < ours.size() && ours[matched] == refCase.greedy[matched])
                ++matched;
            metrics[r].greedyMatched += matched;
            metrics[r].greedyCompared += refCase.greedyLimit;
            if (matched < refCase.greedyLimit)
                metrics[r].greedyFailures << QStringLiteral("prompt %1 differs at step %2 of %3").arg(refCase.index).arg(matched).arg(refCase.greedyLimit);
        }
    }
    return metrics;
}

// Prints the figures; returns what misses a threshold (empty if nothing).
QStringList report(const QString &name, const Reference &ref, const Metrics &m)
{
    const double top1 = m.comparedRows ? double(m.agreeingRows) / double(m.comparedRows) : 1.0;
    const double meanKl = m.klRows ? m.klSum / double(m.klRows) : 0.0;
    const QString where = QStringLiteral("%1 kv=%2 vs %3").arg(name, QString::fromUtf8(gguf::tensorTypeName(ref.kvType)).toLower(), ref.label);
    qInfo("%s: top-1 %.2f%% (%zu/%zu), mean KL %.1e (max %.1e), greedy %zu/%zu%s",
          qPrintable(where),
          100.0 * top1,
          m.agreeingRows,
          m.comparedRows,
          meanKl,
          m.klMax,
          m.greedyMatched,
          m.greedyCompared,
          m.greedyFailures.isEmpty() ? "" : qPrintable(QStringLiteral(" (") + m.greedyFailures.join(QStringLiteral("; ")) + QStringLiteral(")")));
    QStringList misses;
    if (!(meanKl <= kMaxMeanKl))
        misses << where + QStringLiteral(": mean restricted KL %1").arg(meanKl);
    if (!(top1 >= kMinTop1))
        misses << where + QStringLiteral(": top-1 agreement %1").arg(top1);
    if (ref.assertGreedy && !m.greedyFailures.isEmpty())
        misses << where + QStringLiteral(": ") + m.greedyFailures.join(QStringLiteral("; "));
    return misses;
}

} // namespace

std::optional<Reference> loadReference(const QString &path, const QString &label)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    Reference ref;
    ref.label = label;
    ref.modelFile = json[QStringLiteral("model")][QStringLiteral("file")].toString();
    ref.sha256 = json[QStringLiteral("model")][QStringLiteral("sha256")].toString();
    const QString kvType = json[QStringLiteral("settings")][QStringLiteral("kv_cache_type")].toString();
    if (kvType == QLatin1String("F16"))
        ref.kvType = gguf::TensorType::F16;
    else if (kvType != QLatin1String("F32"))
        return std::nullopt;
    for (const QJsonValue &caseValue : json[QStringLiteral("cases")].toArray()) {
        const QJsonObject forced = caseValue[QStringLiteral("teacher_forced")].toObject();
        const QJsonObject greedy = caseValue[QStringLiteral("greedy")].toObject();
        ReferenceCase c;
        c.index = caseValue[QStringLiteral("index")].toInt();
        c.input = ids(forced[QStringLiteral("input_ids")].toArray());
        const QJsonArray topIds = forced[QStringLiteral("top_ids")].toArray();
        for (qsizetype i = 0; i < topIds.size(); ++i) {
            c.topIds.push_back(ids(topIds[i].toArray()));
            c.topLogprobs.push_back(logprobs(forced, i));
        }
        c.margins = numbers(forced[QStringLiteral("margin")].toArray());
        if (c.topIds.size() != c.input.size() || c.margins.size() != c.input.size())
            return std::nullopt;
        c.greedy = ids(greedy[QStringLiteral("ids")].toArray());
        const std::vector<double> greedyMargins = numbers(greedy[QStringLiteral("margin")].toArray());
        while (c.greedyLimit < c.greedy.size() && greedyMargins[c.greedyLimit] >= kGreedyMargin)
            ++c.greedyLimit;
        ref.cases.push_back(std::move(c));
    }
    return ref;
}

void restrictReference(Reference &ref, std::size_t maxTokens, std::size_t maxGreedySteps)
{
    std::erase_if(ref.cases, [&](const ReferenceCase &c) { return c.input.size() > maxTokens; });
    for (ReferenceCase &c : ref.cases)
        c.greedyLimit = std::min(c.greedyLimit, maxGreedySteps);
}

QString sha256Hex(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

QString mismatch(const std::vector<const Reference *> &refs, const QString &modelPath)
{
    const Reference &first = *refs.front();
    for (const Reference *ref : refs) {
        if (ref->cases.size() != first.cases.size())
            return QStringLiteral("the %1 and %2 references have different prompts").arg(first.label, ref->label);
        for (std::size_t c = 0; c < first.cases.size(); ++c)
            if (ref->cases[c].input != first.cases[c].input)
                return QStringLiteral("prompt %1 differs between the %2 and %3 references").arg(c).arg(first.label, ref->label);
    }
    const QString digest = sha256Hex(modelPath);
    for (const Reference *ref : refs)
        if (ref->sha256 != digest)
            return QStringLiteral("%1 is not the model of the %2 reference").arg(modelPath, ref->label);
    return {};
}

QString unsupportedTensor(const gguf::GgufFile &file, const compute::ComputeBackend &backend)
{
    for (const gguf::TensorInfo &tensor : file.tensors())
        if (!backend.supportsWeightType(tensor.type))
            return QStringLiteral("the CPU backend cannot compute with %1 tensors yet (%2)")
                .arg(QString::fromUtf8(gguf::tensorTypeName(tensor.type)), QString::fromStdString(tensor.name));
    return {};
}

QStringList compareWithReferences(model::Transformer &transformer, const QString &name, const std::vector<const Reference *> &refs)
{
    // One run per KV type serves every reference made with it.
    std::vector<Metrics> metrics(refs.size());
    for (const gguf::TensorType kvType : {gguf::TensorType::F32, gguf::TensorType::F16}) {
        std::vector<const Reference *> group;
        std::vector<std::size_t> where;
        for (std::size_t r = 0; r < refs.size(); ++r)
            if (refs[r]->kvType == kvType) {
                group.push_back(refs[r]);
                where.push_back(r);
            }
        if (group.empty())
            continue;
        std::vector<Metrics> groupMetrics = run(transformer, group);
        for (std::size_t g = 0; g < group.size(); ++g)
            metrics[where[g]] = std::move(groupMetrics[g]);
    }
    QStringList misses;
    for (std::size_t r = 0; r < refs.size(); ++r)
        misses << report(name, *refs[r], metrics[r]);
    return misses;
}

} // namespace glassbox::test
