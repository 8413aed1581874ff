// Runs Glassbox's CPU engine on the cases of a llama.cpp reference file (shared/peer/REFERENCE.md) the
// way ReferenceLogitsTest does (whole prompt in one prefill, then single-token greedy decodes) and
// writes a file in the same format, with K = the whole vocabulary, so that compare_refs.py can score
// it against any reference. usage: dump_ours MODEL.gguf REF.ref.json f32|f16 OUT.json [threads]
#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace glassbox;

namespace
{
// The reference's cases: only the input ids and greedy length are needed; a tiny scanner suffices.
std::vector<std::vector<int>> readInputs(const std::string &path, int &nGenerate)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<std::vector<int>> cases;
    const std::regex re("\"input_ids\":\\s*\\[([0-9,\\s]*)\\]");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
        std::vector<int> ids;
        std::stringstream list((*it)[1].str());
        std::string item;
        while (std::getline(list, item, ','))
            ids.push_back(std::stoi(item));
        cases.push_back(ids);
    }
    std::smatch m;
    nGenerate = std::regex_search(text, m, std::regex("\"n_generate\":\\s*([0-9]+)")) ? std::stoi(m[1].str()) : 32;
    return cases;
}

void writeRow(FILE *f, const float *logits, std::size_t vocab)
{
    double mx = -INFINITY;
    for (std::size_t v = 0; v < vocab; ++v)
        mx = std::max(mx, double(logits[v]));
    double sum = 0;
    for (std::size_t v = 0; v < vocab; ++v)
        sum += std::exp(double(logits[v]) - mx);
    const double lse = mx + std::log(sum);
    std::vector<int> order(vocab);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
    std::fprintf(f, "{\"lse\":%.9g,\"ids\":[", lse);
    for (std::size_t v = 0; v < vocab; ++v)
        std::fprintf(f, "%s%d", v ? "," : "", order[v]);
    std::fprintf(f, "],\"logits\":[");
    for (std::size_t v = 0; v < vocab; ++v)
        std::fprintf(f, "%s%.9g", v ? "," : "", logits[order[v]]);
    std::fprintf(f, "]}");
}
} // namespace

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: dump_ours MODEL.gguf REF.ref.json f32|f16 OUT.json [threads]\n");
        return 2;
    }
    int nGenerate = 32;
    const auto cases = readInputs(argv[2], nGenerate);
    const bool f32 = std::string(argv[3]) == "f32";
    const gguf::GgufFile file(argv[1]);
    compute::CpuBackend backend(argc > 5 ? unsigned(std::atoi(argv[5])) : 1u);
    model::Transformer transformer(file, backend);
    const std::size_t vocab = transformer.config().vocab;
    FILE *f = std::fopen(argv[4], "w");
    std::fprintf(f, "{\"cases\":[");
    for (std::size_t c = 0; c < cases.size(); ++c) {
        const std::vector<std::int32_t> input(cases[c].begin(), cases[c].end());
        session::Session session(transformer, {.contextLength = input.size() + nGenerate, .kvType = f32 ? gguf::TensorType::F32 : gguf::TensorType::F16});
        const std::vector<float> logits = session.prefill(input, session::Session::Logits::All);
        std::fprintf(f, "%s{\"teacher_forced\":[", c ? "," : "");
        for (std::size_t i = 0; i < input.size(); ++i) {
            if (i)
                std::fputc(',', f);
            writeRow(f, logits.data() + i * vocab, vocab);
        }
        std::fprintf(f, "],\"greedy\":[");
        std::vector<float> row(logits.end() - vocab, logits.end());
        for (int k = 0; k < nGenerate; ++k) {
            if (k)
                std::fputc(',', f);
            writeRow(f, row.data(), vocab);
            const int next = int(std::max_element(row.begin(), row.end()) - row.begin());
            if (k + 1 < nGenerate)
                row = session.decode(next);
        }
        std::fprintf(f, "]}");
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
    return 0;
}
