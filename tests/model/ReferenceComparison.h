#pragma once

// Compares the CPU forward pass with llama.cpp's outputs (format: shared/peer/REFERENCE.md): the
// teacher-forced top-20 log-probabilities of every prompt position and the greedy continuation.
// Shared by ReferenceLogitsTest (the models of shared/reference) and the real chat model tests.

#include "gguf/TensorType.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace glassbox::compute {
class ComputeBackend;
}
namespace glassbox::gguf {
class GgufFile;
}
namespace glassbox::model {
class Transformer;
}

namespace glassbox::test {

struct ReferenceCase {
    int index = 0;
    std::vector<std::int32_t> input;
    std::vector<std::vector<std::int32_t>> topIds; // per input row, descending
    std::vector<std::vector<double>> topLogprobs;
    std::vector<double> margins;
    std::vector<std::int32_t> greedy;
    std::size_t greedyLimit = 0; // steps before the first reference margin below the greedy margin
};

struct Reference {
    QString label;
    QString modelFile;
    QString sha256;
    gguf::TensorType kvType = gguf::TensorType::F32; // the KV cache type llama.cpp used
    std::vector<ReferenceCase> cases;
    // False where llama.cpp's own builds disagree on the greedy continuation: it is printed only.
    bool assertGreedy = true;
};

// Reads a reference file, untrimmed or trimmed (tools/accuracy/trim_refs.py); nullopt if unreadable.
std::optional<Reference> loadReference(const QString &path, const QString &label);

// Keeps the prompts of at most `maxTokens` tokens, and at most `maxGreedySteps` of each greedy
// continuation: what a sanitizer build can afford on a large vocabulary.
void restrictReference(Reference &ref, std::size_t maxTokens, std::size_t maxGreedySteps);

QString sha256Hex(const QString &path);

// Why the references cannot be compared with the model at `modelPath` (different prompts, another
// model file); empty if they can.
QString mismatch(const std::vector<const Reference *> &refs, const QString &modelPath);

// The first tensor of `file` the backend cannot compute with yet, as a skip reason; empty if none.
QString unsupportedTensor(const gguf::GgufFile &file, const compute::ComputeBackend &backend);

// Runs every prompt (shared by `refs`) once per KV type of `refs`, prints the figures of each
// reference and returns what misses issue #3's thresholds (empty if nothing).
QStringList compareWithReferences(model::Transformer &transformer, const QString &name, const std::vector<const Reference *> &refs);

} // namespace glassbox::test
