#include "Commands.h"

#include "compute/cpu/CpuBackend.h"
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
    const std::string backendName = args.option("--backend").value_or("cpu");
    const long long promptTokens = args.integer("-p", 512);
    const long long generateTokens = args.integer("-n", 128);
    const long long reps = args.integer("--reps", 3);
    const auto threads = static_cast<unsigned>(std::max(0LL, args.integer("--threads", 0)));
    const bool json = args.flag("--json");
    args.finish();
    if (backendName != "cpu")
        throw Error("unknown backend '" + backendName + "' (available: cpu)");
    if (promptTokens < 1 || generateTokens < 1 || reps < 1)
        throw Error("-p, -n and --reps must be at least 1");

    const auto loadStart = Clock::now();
    const gguf::GgufFile file(modelPath);
    compute::CpuBackend backend(threads);
    model::Transformer transformer(file, backend);
    const double loadSeconds = secondsSince(loadStart);

    const std::size_t trained = transformer.config().contextLength;
    const std::size_t prefillCount = std::min<std::size_t>(static_cast<std::size_t>(promptTokens), trained);
    const std::size_t decodePrompt = std::min(kDecodePrompt, trained - 1);
    const std::size_t decodeCount = std::min<std::size_t>(static_cast<std::size_t>(generateTokens), trained - decodePrompt);
    session::Session session(transformer, {.contextLength = std::max(prefillCount, decodePrompt + decodeCount), .batchSize = prefillCount});
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

    if (!json) {
        std::printf("load %.3f s; prefill %zu: %.1f tok/s; decode %zu: %.1f tok/s (medians of %lld); peak RSS %.1f MiB\n",
                    loadSeconds,
                    prefillCount,
                    median(prefill),
                    decodeCount,
                    median(decode),
                    reps,
                    peakRssMib());
        return 0;
    }
    JsonWriter out;
    out.beginObject()
        .key("model")
        .value(modelPath)
        .key("backend")
        .value(backend.name())
        .key("threads")
        .value(threads ? threads : std::thread::hardware_concurrency())
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
        .value(peakRssMib());
    out.key("runs").beginObject();
    writeSeries(out, "prefill_tokens_per_s", prefill);
    writeSeries(out, "decode_tokens_per_s", decode);
    out.endObject().endObject();
    std::cout << out.str() << '\n';
    return 0;
}

} // namespace glassbox::cli
