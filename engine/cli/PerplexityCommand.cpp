#include "Commands.h"
#include "BackendArgs.h"

#include "gguf/GgufFile.h"
#include "inspect/Perplexity.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"
#include "util/Json.h"
#include "util/MappedFile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string_view>

namespace glassbox::cli
{

namespace
{

// llama.cpp's perplexity tool measures with 512-token windows by default.
constexpr long long kDefaultWindow = 512;

void writeJson(const inspect::PerplexityResult &result, std::size_t window, std::size_t stride, double seconds)
{
    JsonWriter out;
    out.beginObject()
        .key("perplexity")
        .value(result.perplexity)
        .key("mean_nll")
        .value(result.meanNll)
        .key("tokens_scored")
        .value(static_cast<std::uint64_t>(result.tokens.size()))
        .key("windows")
        .value(static_cast<std::uint64_t>(result.windows))
        .key("window")
        .value(static_cast<std::uint64_t>(window))
        .key("stride")
        .value(static_cast<std::uint64_t>(stride))
        .key("seconds")
        .value(seconds)
        .key("tokens")
        .beginArray();
    for (const inspect::ScoredToken &token : result.tokens)
        out.beginObject().key("id").value(token.id).key("piece").value(token.piece).key("logprob").value(token.logprob).endObject();
    out.endArray().endObject();
    std::cout << out.str() << '\n';
}

} // namespace

// perplexity --model FILE --file TEXT [--ctx N] [--stride S] [--kv-type f16|f32|q8_0] [--backend cpu|vulkan] [--device N] [--threads N] [--json]
int perplexityCommand(Args &args)
{
    const std::string modelPath = args.required("--model");
    const std::string textPath = args.required("--file");
    const long long requestedWindow = args.integer("--ctx", 0);
    const long long requestedStride = args.integer("--stride", 0);
    const gguf::TensorType kvType = args.kvCacheType();
    const compute::BackendOptions backendChoice = backendOptions(args);
    const bool json = args.flag("--json");
    args.finish();
    if (requestedWindow < 0 || requestedStride < 0)
        throw Error("--ctx and --stride take positive token counts");

    const MappedFile text(textPath);
    const gguf::GgufFile file(modelPath);
    const auto tokenizer = tokenizer::Tokenizer::fromGguf(file);
    const std::vector<tokenizer::TokenId> ids = tokenizer->encode({reinterpret_cast<const char *>(text.data()), text.size()}, true, false);

    const auto backend = compute::createBackend(backendChoice);
    model::Transformer transformer(file, *backend);
    const auto window = static_cast<std::size_t>(
        requestedWindow ? requestedWindow : std::min<long long>(kDefaultWindow, static_cast<long long>(transformer.config().contextLength)));
    const auto stride = static_cast<std::size_t>(requestedStride ? requestedStride : static_cast<long long>(window / 2));
    // A text shorter than the window needs no cache beyond its own length.
    session::Session session(transformer, {.contextLength = std::max<std::size_t>(std::min(window, ids.size()), 1), .kvType = kvType});

    const auto start = std::chrono::steady_clock::now();
    const inspect::PerplexityResult result = *inspect::perplexity(session, *tokenizer, ids, {.window = window, .stride = stride});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (json) {
        writeJson(result, window, stride, seconds);
        return 0;
    }
    std::printf("perplexity %.4f (mean NLL %.4f nats)\ntokens scored %zu in %zu window%s of %zu (stride %zu)\ntime %.2f s (%.1f tokens/s)\n",
                result.perplexity,
                result.meanNll,
                result.tokens.size(),
                result.windows,
                result.windows == 1 ? "" : "s",
                window,
                stride,
                seconds,
                seconds > 0.0 ? static_cast<double>(result.tokens.size()) / seconds : 0.0);
    return 0;
}

} // namespace glassbox::cli
