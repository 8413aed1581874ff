#include "Commands.h"
#include "BackendArgs.h"
#include "MemoryBandwidth.h"

#include "compute/vulkan/VulkanBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "sampling/SamplerChain.h"
#include "session/Session.h"
#include "util/Error.h"
#include "util/Json.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

namespace glassbox::cli
{

namespace
{

// The same measurements as the llama.cpp peer benchmark (shared/peer/bench.mjs), so the numbers
// compare: prefill is one batch of p tokens into an empty cache; decode is n single-token steps
// after a 16-token prompt, greedy, end tokens not special-cased.
constexpr std::size_t kDecodePrompt = 16;

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double peakRssMib()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// Token ids cycling through the vocabulary: the cost of a forward pass does not depend on which
// tokens go in.
std::vector<std::int32_t> syntheticTokens(std::size_t count, std::size_t vocab)
{
    std::vector<std::int32_t> tokens(count);
    for (std::size_t i = 0; i < count; ++i)
        tokens[i] = static_cast<std::int32_t>(i % vocab);
    return tokens;
}

double prefillRate(session::Session &session, std::span<const std::int32_t> tokens)
{
    session.clear();
    const auto start = Clock::now();
    session.prefill(tokens);
    return static_cast<double>(tokens.size()) / secondsSince(start);
}

double decodeRate(session::Session &session, std::span<const std::int32_t> prompt, std::size_t steps)
{
    session.clear();
    std::vector<float> logits = session.prefill(prompt);
    sampling::SamplerChain greedy;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < steps; ++i)
        logits = session.decode(greedy.sample(logits, session.tokens()).token);
    return static_cast<double>(steps) / secondsSince(start);
}

struct OpTime {
    std::string shader;
    std::size_t dispatches = 0;
    double microseconds = 0;
};

// GPU time per shader for one decode step after the decode prompt, in order of first use.
std::vector<OpTime> profileDecodeStep(vulkan::VulkanBackend &backend, session::Session &session, std::span<const std::int32_t> prompt)
{
    session.clear();
    const std::vector<float> logits = session.prefill(prompt);
    sampling::SamplerChain greedy;
    const std::int32_t token = greedy.sample(logits, session.tokens()).token;
    backend.setProfiling(true);
    session.decode(token);
    const auto timings = backend.takeProfile();
    backend.setProfiling(false);
    std::vector<OpTime> ops;
    std::map<std::string, std::size_t> index;
    for (const auto &timing : timings) {
        auto [found, added] = index.emplace(timing.shader, ops.size());
        if (added)
            ops.push_back({timing.shader});
        ops[found->second].dispatches += 1;
        ops[found->second].microseconds += timing.microseconds;
    }
    return ops;
}

void printProfile(const std::vector<OpTime> &ops)
{
    double total = 0;
    for (const OpTime &op : ops)
        total += op.microseconds;
    std::printf("one decode step on the GPU: %.0f us in %zu shaders\n%-28s %10s %12s %7s\n", total, ops.size(), "shader", "dispatches", "us", "share");
    for (const OpTime &op : ops)
        std::printf("%-28s %10zu %12.1f %6.1f%%\n", op.shader.c_str(), op.dispatches, op.microseconds, total > 0 ? 100.0 * op.microseconds / total : 0.0);
}

void writeSeries(JsonWriter &out, std::string_view name, const std::vector<double> &values)
{
    out.key(name).beginArray();
    for (double value : values)
        out.value(value);
    out.endArray();
}

} // namespace

int benchCommand(Args &args)
{
    const std::string modelPath = args.required("--model");
    const long long promptTokens = args.integer("-p", 512);
    const long long generateTokens = args.integer("-n", 128);
    const long long reps = args.integer("--reps", 3);
    const compute::BackendOptions backendChoice = backendOptions(args);
    const bool json = args.flag("--json");
    const bool profile = args.flag("--profile");
    const gguf::TensorType kvType = args.kvCacheType();
    args.finish();
    if (profile && backendChoice.name != "vulkan")
        throw Error("--profile times GPU work: use it with --backend vulkan");
    if (promptTokens < 1 || generateTokens < 1 || reps < 1)
        throw Error("-p, -n and --reps must be at least 1");

    const auto loadStart = Clock::now();
    const gguf::GgufFile file(modelPath);
    const auto backend = compute::createBackend(backendChoice);
    model::Transformer transformer(file, *backend);
    const double loadSeconds = secondsSince(loadStart);

    const std::size_t trained = transformer.config().contextLength;
    const std::size_t prefillCount = std::min<std::size_t>(static_cast<std::size_t>(promptTokens), trained);
    const std::size_t decodePrompt = std::min(kDecodePrompt, trained - 1);
    const std::size_t decodeCount = std::min<std::size_t>(static_cast<std::size_t>(generateTokens), trained - decodePrompt);
    session::Session session(transformer, {.contextLength = std::max(prefillCount, decodePrompt + decodeCount), .kvType = kvType, .batchSize = prefillCount});
    const std::vector<std::int32_t> tokens = syntheticTokens(prefillCount, session.vocabSize());
    const auto prompt = std::span(tokens).first(std::min(decodePrompt, tokens.size()));

    // An untimed warm-up first, as the peer does: page faults on the mapped weights are not what
    // is being measured. A short decode touches every weight; a full prefill would only cost time.
    decodeRate(session, prompt, std::min<std::size_t>(decodeCount, 16));
    std::vector<double> prefill;
    std::vector<double> decode;
    for (long long rep = 0; rep < reps; ++rep) {
        prefill.push_back(prefillRate(session, tokens));
        decode.push_back(decodeRate(session, prompt, decodeCount));
    }

    auto *gpu = dynamic_cast<vulkan::VulkanBackend *>(backend.get());
    const std::vector<OpTime> ops = profile ? profileDecodeStep(*gpu, session, prompt) : std::vector<OpTime>();
    // Measured after the runs, so that its buffer does not count in the peak RSS of the model.
    const double peakRss = peakRssMib();
    const unsigned threads = backendChoice.threads ? backendChoice.threads : std::thread::hardware_concurrency();
    const std::uint64_t weightBytes = weightBytesPerToken(file);
    const double bandwidth = measureReadBandwidth(threads);
    const double bandwidthFraction = double(weightBytes) * median(decode) / bandwidth;
    if (!json) {
        if (profile)
            printProfile(ops);
        std::printf("load %.3f s; prefill %zu: %.1f tok/s; decode %zu: %.1f tok/s (medians of %lld); peak RSS %.1f MiB\n"
                    "decode reads %.1f MiB of weights per token: %.2f of the host's measured read bandwidth (%.1f GB/s)\n",
                    loadSeconds,
                    prefillCount,
                    median(prefill),
                    decodeCount,
                    median(decode),
                    reps,
                    peakRss,
                    double(weightBytes) / 1048576.0,
                    bandwidthFraction,
                    bandwidth / 1e9);
        return 0;
    }
    JsonWriter out;
    out.beginObject()
        .key("model")
        .value(modelPath)
        .key("backend")
        .value(backend->name())
        .key("threads")
        .value(threads)
        .key("kv_type")
        .value(gguf::tensorTypeName(session.kvType()))
        .key("prefill_tokens")
        .value(static_cast<std::uint64_t>(prefillCount))
        .key("decode_prompt_tokens")
        .value(static_cast<std::uint64_t>(prompt.size()))
        .key("decode_tokens")
        .value(static_cast<std::uint64_t>(decodeCount))
        .key("reps")
        .value(static_cast<std::int64_t>(reps))
        .key("load_s")
        .value(loadSeconds)
        .key("prefill_tokens_per_s")
        .value(median(prefill))
        .key("decode_tokens_per_s")
        .value(median(decode))
        .key("peak_rss_mib")
        .value(peakRss)
        .key("weight_bytes_per_token")
        .value(weightBytes)
        .key("host_read_gb_per_s")
        .value(bandwidth / 1e9)
        .key("decode_bandwidth_fraction")
        .value(bandwidthFraction);
    if (gpu) {
        const auto memory = gpu->memoryUse();
        out.key("device_memory_mib")
            .beginObject()
            .key("weights")
            .value(double(memory.weights) / 1048576.0)
            .key("kv_cache")
            .value(double(memory.caches) / 1048576.0)
            .key("scratch")
            .value(double(memory.scratch) / 1048576.0)
            .endObject()
            .key("fused_fma")
            .value(gpu->context().fusedFma());
    }
    if (profile) {
        out.key("decode_profile").beginArray();
        for (const OpTime &op : ops)
            out.beginObject().key("shader").value(op.shader).key("dispatches").value(std::uint64_t(op.dispatches)).key("us").value(op.microseconds).endObject();
        out.endArray();
    }
    out.key("runs").beginObject();
    writeSeries(out, "prefill_tokens_per_s", prefill);
    writeSeries(out, "decode_tokens_per_s", decode);
    out.endObject().endObject();
    std::cout << out.str() << '\n';
    return 0;
}

} // namespace glassbox::cli
