#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace glassbox;

// Compares the CPU forward pass with llama.cpp's outputs (format: shared/peer/REFERENCE.md): the
// teacher-forced top-20 log-probabilities of every prompt position and the greedy continuation.
//
// Two sets of references, because llama.cpp's own builds disagree by as much as issue #3's thresholds
// allow (tests/data/reference/llama-avx2/README.md):
// - tests/data/reference/llama-avx2: llama.cpp's AVX2 build (libggml-cpu-haswell), whose float operation
//   order the engine reproduces, with an F32 and with an F16 KV cache. Every file must meet all of the
//   issue's thresholds with both.
// - shared/reference (and tests/data/reference for the real chat models): llama.cpp's AVX-512 build
//   (zen4), F32 KV. Top-1 agreement and KL are asserted; the greedy match is printed, since llama.cpp's
//   AVX2 build itself misses it on some files.
class ReferenceLogitsTest : public QObject
{
    Q_OBJECT

private:
    // Near-ties, where llama.cpp's own batch and single-token paths may already disagree.
    static constexpr double kTieMargin = 1e-3;
    // Greedy continuations are compared up to the first step whose reference margin is below this.
    static constexpr double kGreedyMargin = 0.02;
    static constexpr double kMinTop1 = 0.99;
    static constexpr double kMaxMeanKl = 0.005;

    struct Case {
        int index = 0;
        std::vector<std::int32_t> input;
        std::vector<std::vector<std::int32_t>> topIds; // per input row, descending
        std::vector<std::vector<double>> topLogprobs;
        std::vector<double> margins;
        std::vector<std::int32_t> greedy;
        std::size_t greedyLimit = 0; // steps before the first reference margin below kGreedyMargin
    };

    struct Reference {
        QString label;
        QString modelFile;
        QString sha256;
        std::vector<Case> cases;
        bool assertGreedy = true;
    };

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

    static std::vector<std::int32_t> ids(const QJsonArray &array)
    {
        std::vector<std::int32_t> result;
        result.reserve(std::size_t(array.size()));
        for (const QJsonValue &value : array)
            result.push_back(value.toInt());
        return result;
    }

    static std::vector<double> numbers(const QJsonArray &array)
    {
        std::vector<double> result;
        result.reserve(std::size_t(array.size()));
        for (const QJsonValue &value : array)
            result.push_back(value.toDouble());
        return result;
    }

    // The top logprobs of one row: as written by reference.mjs, or as trimmed for tests/data
    // (tools/accuracy/trim_refs.py: the top logprob and the steps down to each next one, in 1e-6).
    static std::vector<double> logprobs(const QJsonObject &forced, qsizetype row)
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

    static std::optional<Reference> load(const QString &path, const QString &label)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return std::nullopt;
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        Reference ref;
        ref.label = label;
        ref.modelFile = json[QStringLiteral("model")][QStringLiteral("file")].toString();
        ref.sha256 = json[QStringLiteral("model")][QStringLiteral("sha256")].toString();
        for (const QJsonValue &caseValue : json[QStringLiteral("cases")].toArray()) {
            const QJsonObject forced = caseValue[QStringLiteral("teacher_forced")].toObject();
            const QJsonObject greedy = caseValue[QStringLiteral("greedy")].toObject();
            Case c;
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

    static std::int32_t argmax(const float *logits, std::size_t vocab)
    {
        return static_cast<std::int32_t>(std::max_element(logits, logits + vocab) - logits); // first of equals: lowest id
    }

    // KL(p‖q) with both distributions renormalized over the reference's top ids.
    static double restrictedKl(const std::vector<std::int32_t> &refIds, const std::vector<double> &refLogprobs, const float *logits)
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

    static QString sha256(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(&file);
        return QString::fromLatin1(hash.result().toHex());
    }

    // Runs every prompt of `refs` (which share them) with one KV type and scores the outputs against each.
    static std::vector<Metrics> run(model::Transformer &transformer, gguf::TensorType kvType, const std::vector<const Reference *> &refs)
    {
        const std::size_t vocab = transformer.config().vocab;
        std::vector<Metrics> metrics(refs.size());
        for (std::size_t c = 0; c < refs.front()->cases.size(); ++c) {
            const std::vector<std::int32_t> &input = refs.front()->cases[c].input;
            std::size_t steps = 0;
            for (const Reference *ref : refs)
                steps = std::max(steps, ref->cases[c].greedyLimit);
            session::Session session(transformer, {.contextLength = input.size() + steps, .kvType = kvType});
            const std::vector<float> logits = session.prefill(input, session::Session::Logits::All);
            for (std::size_t r = 0; r < refs.size(); ++r) {
                const Case &refCase = refs[r]->cases[c];
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
                    const Case &refCase = ref->cases[c];
                    return ours.size() < refCase.greedyLimit && std::equal(ours.begin(), ours.end(), refCase.greedy.begin());
                });
                if (!more)
                    break;
                next = session.decode(ours.back());
            }
            for (std::size_t r = 0; r < refs.size(); ++r) {
                const Case &refCase = refs[r]->cases[c];
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
    static QStringList report(const QString &model, const char *kv, const Reference &ref, const Metrics &m)
    {
        const double top1 = m.comparedRows ? double(m.agreeingRows) / double(m.comparedRows) : 1.0;
        const double meanKl = m.klRows ? m.klSum / double(m.klRows) : 0.0;
        qInfo("%s kv=%s vs %s: top-1 %.2f%% (%zu/%zu), mean KL %.1e (max %.1e), greedy %zu/%zu%s",
              qPrintable(model),
              kv,
              qPrintable(ref.label),
              100.0 * top1,
              m.agreeingRows,
              m.comparedRows,
              meanKl,
              m.klMax,
              m.greedyMatched,
              m.greedyCompared,
              m.greedyFailures.isEmpty() ? "" : qPrintable(QStringLiteral(" (") + m.greedyFailures.join(QStringLiteral("; ")) + QStringLiteral(")")));
        const QString where = QStringLiteral("%1 kv=%2 vs %3: ").arg(model, QLatin1String(kv), ref.label);
        QStringList misses;
        if (!(meanKl <= kMaxMeanKl))
            misses << where + QStringLiteral("mean restricted KL %1").arg(meanKl);
        if (!(top1 >= kMinTop1))
            misses << where + QStringLiteral("top-1 agreement %1").arg(top1);
        if (ref.assertGreedy && !m.greedyFailures.isEmpty())
            misses << where + m.greedyFailures.join(QStringLiteral("; "));
        return misses;
    }

private Q_SLOTS:
    void matchesLlamaCpp_data()
    {
        QTest::addColumn<QString>("zen4Path");
        QTest::addColumn<QString>("avx2Dir"); // empty: no llama-avx2 references (the real chat models)
        QTest::addColumn<QString>("modelDir"); // empty: the model could not be fetched
        const QDir dir(QStringLiteral(GLASSBOX_SHARED_DIR "/reference"));
        const QStringList files = dir.entryList({QStringLiteral("*.ref.json")}, QDir::Files, QDir::Name);
        // The real chat models' references live in the repository; their models come from PyPI.
        const QDir ownDir(QStringLiteral(GLASSBOX_TEST_DATA_DIR "/reference"));
        const QStringList ownFiles = ownDir.entryList({QStringLiteral("*.ref.json")}, QDir::Files, QDir::Name);
        if (files.isEmpty() && ownFiles.isEmpty())
            QSKIP("no reference files in " GLASSBOX_SHARED_DIR "/reference or " GLASSBOX_TEST_DATA_DIR "/reference");
        for (const QString &name : files)
            QTest::newRow(qPrintable(name.chopped(int(qstrlen(".ref.json"))))) << dir.filePath(name) << ownDir.filePath(QStringLiteral("llama-avx2"))
                                                                                << dir.absolutePath();
        // The real chat models take tens of minutes under the sanitizers: opt-in.
        if (!qEnvironmentVariableIsSet("GLASSBOX_SLOW_TESTS")) {
            qInfo("set GLASSBOX_SLOW_TESTS=1 to compare the real chat models of %s too", GLASSBOX_TEST_DATA_DIR "/reference");
            return;
        }
        const QString smollm2 = glassbox::test::fetchModel(QStringLiteral("smollm2"));
        const QString modelDir = smollm2.isEmpty() ? QString() : QFileInfo(smollm2).absolutePath();
        for (const QString &name : ownFiles)
            QTest::newRow(qPrintable(name.chopped(int(qstrlen(".ref.json"))))) << ownDir.filePath(name) << QString() << modelDir;
    }

    void matchesLlamaCpp()
    {
        QFETCH(QString, zen4Path);
        QFETCH(QString, avx2Dir);
        QFETCH(QString, modelDir);
        if (modelDir.isEmpty())
            QSKIP("the model could not be fetched: python3 " GLASSBOX_FETCH_MODELS_SCRIPT " smollm2 gemma3 failed (no network?)");
        const QString name = QFileInfo(zen4Path).fileName().chopped(int(qstrlen(".ref.json")));
        std::optional<Reference> zen4 = load(zen4Path, QStringLiteral("zen4"));
        QVERIFY2(zen4, qPrintable(zen4Path));
        zen4->assertGreedy = false;
        std::optional<Reference> avx2F32;
        std::optional<Reference> avx2F16;
        if (!avx2Dir.isEmpty()) {
            avx2F32 = load(QDir(avx2Dir).filePath(name + QStringLiteral(".F32.ref.json")), QStringLiteral("llama-avx2"));
            avx2F16 = load(QDir(avx2Dir).filePath(name + QStringLiteral(".F16.ref.json")), QStringLiteral("llama-avx2"));
            QVERIFY2(avx2F32 && avx2F16, qPrintable(QStringLiteral("no llama-avx2 reference for %1 in %2").arg(name, avx2Dir)));
        }

        for (const std::optional<Reference> *ref : {&avx2F32, &avx2F16}) {
            if (!*ref)
                continue;
            QCOMPARE((*ref)->cases.size(), zen4->cases.size());
            for (std::size_t c = 0; c < zen4->cases.size(); ++c)
                QVERIFY2((*ref)->cases[c].input == zen4->cases[c].input, qPrintable(QStringLiteral("prompt %1 differs between the references").arg(c)));
        }

        const QString modelPath = QDir(modelDir).filePath(zen4->modelFile);
        const QString digest = sha256(modelPath);
        for (const std::optional<Reference> *ref : {&zen4, &avx2F32, &avx2F16})
            if (*ref)
                QVERIFY2((*ref)->sha256 == digest, qPrintable(QStringLiteral("%1 is not the model of the %2 reference").arg(modelPath, (*ref)->label)));
        const gguf::GgufFile file(modelPath.toStdString());
        compute::CpuBackend backend(2);
        for (const gguf::TensorInfo &tensor : file.tensors())
            if (!backend.supportsWeightType(tensor.type))
                QSKIP(qPrintable(QStringLiteral("the CPU backend cannot compute with %1 tensors yet (%2)")
                                     .arg(QString::fromUtf8(gguf::tensorTypeName(tensor.type)), QString::fromStdString(tensor.name))));
        model::Transformer transformer(file, backend);

        std::vector<const Reference *> f32Refs{&*zen4};
        if (avx2F32)
            f32Refs.insert(f32Refs.begin(), &*avx2F32);
        const std::vector<Metrics> f32 = run(transformer, gguf::TensorType::F32, f32Refs);
        std::vector<Metrics> f16;
        if (avx2F16)
            f16 = run(transformer, gguf::TensorType::F16, {&*avx2F16});
        QStringList misses;
        if (avx2F32) {
            misses << report(name, "f32", *avx2F32, f32.front());
            misses << report(name, "f16", *avx2F16, f16.front());
        }
        misses << report(name, "f32", *zen4, f32.back());
        QVERIFY2(misses.isEmpty(), qPrintable(misses.join(QStringLiteral("\n"))));
    }
};

QTEST_GUILESS_MAIN(ReferenceLogitsTest)
#include "ReferenceLogitsTest.moc"
