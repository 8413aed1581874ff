// Decode speed with inspection off and on: attention capture of one layer or of every layer (all
// heads), hidden-state capture of every layer, and both. "off" is the plain decode loop, the
// baseline the ratios are relative to; the hooks are compiled in either way.
// Usage: glassbox-bench-inspect [MODEL] [--steps N] [--runs R] [--threads T] [--mode NAME]
// (--mode runs only that mode once per run, e.g. `--mode off --runs 1` under valgrind --tool=callgrind.)

#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "inspect/AttentionCapture.h"
#include "inspect/HiddenStateCapture.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

using namespace glassbox;

namespace
{

struct Options {
    std::string model = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";
    std::size_t steps = 64;
    int runs = 5;
    unsigned threads = 1;
    std::string mode; // empty: every mode
};

struct Mode {
    const char *name;
    bool oneLayer; // attention of layer 0 only
    bool allLayers; // attention of every layer
    bool hidden; // hidden states of every layer
};

constexpr Mode kModes[] = {
    {"off", false, false, false},
    {"attention-1-layer", true, false, false},
    {"attention-all-layers", false, true, false},
    {"hidden-states", false, false, true},
    {"attention+hidden-all", false, true, true},
};

struct Timing {
    double wall = 0.0;
    double cpu = 0.0;
};

Options parse(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--steps" && hasValue)
            options.steps = std::stoul(argv[++i]);
        else if (arg == "--runs" && hasValue)
            options.runs = std::max(1, std::stoi(argv[++i]));
        else if (arg == "--threads" && hasValue)
            options.threads = static_cast<unsigned>(std::stoul(argv[++i]));
        else if (arg == "--mode" && hasValue)
            options.mode = argv[++i];
        else if (arg.rfind("--", 0) != 0)
            options.model = arg;
        else
            throw Error("unknown or incomplete option " + arg);
    }
    return options;
}

// Greedy decoding of `steps` tokens after the prompt; returns the time of the decode steps only.
Timing decode(model::Transformer &transformer, const std::vector<std::int32_t> &prompt, std::size_t steps)
{
    session::Session session(transformer, {.contextLength = prompt.size() + steps, .kvType = gguf::TensorType::F16});
    std::vector<float> logits = session.prefill(prompt);
    const auto wallStart = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();
    for (std::size_t i = 0; i < steps; ++i) {
        const auto next = static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        logits = session.decode(next);
    }
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count(),
            static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC};
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    try {
        const Options options = parse(argc, argv);
        const gguf::GgufFile file(options.model);
        const std::vector<std::int32_t> prompt = tokenizer::Tokenizer::fromGguf(file)->encode("Once upon a time, there was a little girl", true, false);
        compute::CpuBackend backend(options.threads);
        model::Transformer transformer(file, backend);
        const model::ModelConfig &config = transformer.config();
        std::vector<std::size_t> heads(config.heads);
        std::iota(heads.begin(), heads.end(), std::size_t{0});
        std::vector<std::size_t> layers(config.layers);
        std::iota(layers.begin(), layers.end(), std::size_t{0});

        std::printf("%s: %zu decode steps after a %zu-token prompt, %u thread(s), median of %d runs\n\n",
                    options.model.c_str(),
                    options.steps,
                    prompt.size(),
                    options.threads,
                    options.runs);
        std::printf("%-22s %12s %12s %10s\n", "capture", "tok/s wall", "tok/s cpu", "cpu ratio");
        std::vector<const Mode *> modes;
        for (const Mode &mode : kModes)
            if (options.mode.empty() || options.mode == mode.name)
                modes.push_back(&mode);
        if (modes.empty())
            throw Error("unknown mode '" + options.mode + "'");
        // Runs interleave the modes, so that a busy neighbour slows them all alike.
        std::vector<std::vector<double>> wall(modes.size());
        std::vector<std::vector<double>> cpu(modes.size());
        for (int run = 0; run < options.runs; ++run) {
            for (std::size_t m = 0; m < modes.size(); ++m) {
                // Fresh captures per run, so every run records the same amount.
                std::optional<inspect::AttentionCapture> attention;
                if (modes[m]->oneLayer || modes[m]->allLayers)
                    attention.emplace(modes[m]->allLayers ? layers : std::vector<std::size_t>{0}, heads);
                inspect::HiddenStateCapture hidden;
                transformer.setAttentionCapture(attention ? &*attention : nullptr);
                transformer.setHiddenStateCapture(modes[m]->hidden ? &hidden : nullptr);
                const Timing timing = decode(transformer, prompt, options.steps);
                transformer.setAttentionCapture(nullptr);
                transformer.setHiddenStateCapture(nullptr);
                wall[m].push_back(static_cast<double>(options.steps) / timing.wall);
                cpu[m].push_back(static_cast<double>(options.steps) / timing.cpu);
            }
        }
        // The ratio is off's speed over each mode's: 1.00 costs nothing, 1.10 is 10% slower.
        const double offCpu = std::strcmp(modes.front()->name, "off") == 0 ? median(cpu.front()) : 0.0;
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const double cpuSpeed = median(cpu[m]);
            std::printf("%-22s %12.1f %12.1f", modes[m]->name, median(wall[m]), cpuSpeed);
            if (offCpu > 0.0)
                std::printf(" %10.3f\n", offCpu / cpuSpeed);
            else
                std::printf(" %10s\n", "-");
        }
        return 0;
    } catch (const std::exception &error) {
        std::fprintf(stderr, "glassbox-bench-inspect: %s\n", error.what());
        return 1;
    }
}
