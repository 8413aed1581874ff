#include "Commands.h"

#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Generator.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"
#include "util/Json.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace glassbox::cli
{

namespace
{

void writeToken(const session::GeneratedToken &token)
{
    JsonWriter out;
    out.beginObject().key("id").value(token.id).key("piece").value(token.piece).key("logprob").value(token.logprob).key("top").beginArray();
    for (const session::Alternative &alternative : token.top)
        out.beginObject().key("id").value(alternative.id).key("piece").value(alternative.piece).key("logprob").value(alternative.logprob).endObject();
    out.endArray().endObject();
    std::cout << out.str() << '\n' << std::flush;
}

void writeSummary(const session::GenerationResult &result)
{
    JsonWriter out;
    out.beginObject()
        .key("finish_reason")
        .value(sampling::finishReasonName(result.finishReason))
        .key("trailing_text")
        .value(result.trailingText)
        .key("prompt_tokens")
        .value(static_cast<std::uint64_t>(result.promptTokens))
        .key("generated_tokens")
        .value(static_cast<std::uint64_t>(result.generatedTokens))
        .key("time_to_first_token_s")
        .value(result.firstTokenSeconds)
        .key("prefill_s")
        .value(result.prefillSeconds)
        .key("prefill_tokens_per_s")
        .value(result.prefillTokensPerSecond())
        .key("decode_s")
        .value(result.decodeSeconds)
        .key("decoded_tokens")
        .value(static_cast<std::uint64_t>(result.decodedTokens))
        .key("decode_tokens_per_s")
        .value(result.decodeTokensPerSecond())
        .endObject();
    std::cout << out.str() << '\n';
}

} // namespace

int generateCommand(Args &args)
{
    const std::string modelPath = args.required("--model");
    const std::string prompt = args.required("--prompt");
    const long long maxTokens = args.integer("--n", 128);
    const std::string backendName = args.option("--backend").value_or("cpu");
    const auto threads = static_cast<unsigned>(std::max(0LL, args.integer("--threads", 0)));
    const gguf::TensorType cacheType = args.kvCacheType();
    const auto context = static_cast<std::size_t>(std::max(0LL, args.integer("--ctx", 0)));
    const auto top = static_cast<std::size_t>(std::max(0LL, args.integer("--top", 5)));
    const bool special = args.flag("--special");
    const bool json = args.flag("--json");
    args.finish();
    if (backendName != "cpu")
        throw Error("unknown backend '" + backendName + "' (available: cpu)");

    const gguf::GgufFile file(modelPath);
    const auto tokenizer = tokenizer::Tokenizer::fromGguf(file);
    const std::vector<tokenizer::TokenId> ids = tokenizer->encode(prompt, true, special);
    compute::CpuBackend backend(threads);
    model::Transformer transformer(file, backend);
    session::Session session(transformer, {.contextLength = context, .kvType = cacheType});
    session::Generator generator(session, *tokenizer);

    const session::GenerationOptions options{.maxTokens = static_cast<int>(std::clamp(maxTokens, -1LL, 1LL << 30)), .topAlternatives = json ? top : 0};
    const session::GenerationResult result = generator.generate(ids, options, [&](const session::GeneratedToken &token) {
        if (json)
            writeToken(token);
        else
            std::cout << token.text << std::flush;
    });
    if (json) {
        writeSummary(result);
        return 0;
    }
    std::cout << result.trailingText << '\n';
    std::fprintf(stderr,
                 "[%s] prompt %zu tokens, %zu generated; first token after %.3f s; prefill %.1f tok/s, decode %.1f tok/s\n",
                 std::string(sampling::finishReasonName(result.finishReason)).c_str(),
                 result.promptTokens,
                 result.generatedTokens,
                 result.firstTokenSeconds,
                 result.prefillTokensPerSecond(),
                 result.decodeTokensPerSecond());
    return 0;
}

} // namespace glassbox::cli
