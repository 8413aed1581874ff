// Tokenizer throughput: about 1 MB made of llama.cpp's tokenizer test cases (prose, code, CJK,
// emoji, odd whitespace), encoded with every vocabulary in shared/models/vocab.
// Usage: glassbox-bench-tokenizer [VOCAB_DIR]

#include "gguf/GgufFile.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace glassbox;

namespace {

constexpr std::size_t kTargetBytes = 1 << 20;
constexpr int kRuns = 3;

std::string readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string buildText(const std::vector<fs::path> &inputs)
{
    std::string cases;
    const std::string separator = "\n__ggml_vocab_test__\n";
    for (const fs::path &input : inputs) {
        std::string text = readFile(input);
        for (std::size_t at; (at = text.find(separator)) != std::string::npos;)
            text.replace(at, separator.size(), "\n");
        cases += text;
    }
    if (cases.empty())
        return cases;
    std::string text;
    while (text.size() < kTargetBytes)
        text += cases;
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    const fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path(GLASSBOX_SHARED_DIR) / "models" / "vocab";
    std::vector<fs::path> vocabs;
    std::vector<fs::path> inputs;
    for (const fs::directory_entry &entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".gguf")
            vocabs.push_back(entry.path());
        else if (entry.path().extension() == ".inp")
            inputs.push_back(entry.path());
    }
    std::sort(vocabs.begin(), vocabs.end());
    std::sort(inputs.begin(), inputs.end());
    const std::string text = buildText(inputs);
    if (text.empty()) {
        std::fprintf(stderr, "no test cases (*.inp) in %s\n", dir.c_str());
        return 1;
    }
    std::printf("text: %.2f MB from %zu test files, median of %d runs\n\n", static_cast<double>(text.size()) / 1e6, inputs.size(), kRuns);
    // CPU time too: on a busy machine the wall clock measures the neighbours.
    std::printf("%-34s %-6s %10s %10s %10s\n", "vocab", "model", "MB/s wall", "MB/s cpu", "tokens");

    for (const fs::path &path : vocabs) {
        try {
            const gguf::GgufFile file(path.string());
            const auto tokenizer = tokenizer::Tokenizer::fromGguf(file);
            std::vector<double> wall;
            std::vector<double> cpu;
            std::size_t tokens = 0;
            for (int run = 0; run < kRuns; ++run) {
                const auto start = std::chrono::steady_clock::now();
                const std::clock_t cpuStart = std::clock();
                tokens = tokenizer->encode(text, false, false).size();
                cpu.push_back(static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC);
                wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            }
            std::sort(wall.begin(), wall.end());
            std::sort(cpu.begin(), cpu.end());
            const double megabytes = static_cast<double>(text.size()) / 1e6;
            std::printf("%-34s %-6s %10.2f %10.2f %10zu\n",
                        path.filename().c_str(),
                        tokenizer->vocab().modelName.c_str(),
                        megabytes / wall[kRuns / 2],
                        megabytes / cpu[kRuns / 2],
                        tokens);
        } catch (const Error &error) {
            std::printf("%-34s failed: %s\n", path.filename().c_str(), error.what());
        }
        std::fflush(stdout);
    }
    return 0;
}
