#include "Commands.h"
#include "BackendArgs.h"
#include "SamplerArgs.h"

#include "chat/ChatTemplate.h"
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

// Special tokens are shown as ⟦text⟧, so that a prompt's markup stands out from its text.
constexpr std::string_view kMarkOpen = "\u27e6";
constexpr std::string_view kMarkClose = "\u27e7";

// The user's prompt (and optional system message) rendered through the model's chat template,
// ready for the assistant's reply.
std::string renderChat(const gguf::GgufFile &file, const std::optional<std::string> &system, const std::string &user)
{
    const chat::ChatTemplate chatTemplate = chat::ChatTemplate::fromGguf(file, chat::ChatTemplate::Fallback::ToKnownFormat);
    if (!chatTemplate.fallbackReason().empty())
        std::cerr << "note: using the " << chatTemplate.name() << " chat format; the model's own template fails: " << chatTemplate.fallbackReason() << '\n';
    std::vector<chat::ChatMessage> messages;
    if (system)
        messages.push_back({"system", *system});
    messages.push_back({"user", user});
    return chatTemplate.render(messages, true);
}

std::vector<tokenizer::TokenId> promptTokens(const tokenizer::Tokenizer &tokenizer, const std::string &prompt, bool parseSpecial)
{
    std::vector<tokenizer::TokenId> ids = tokenizer.encode(prompt, true, parseSpecial);
    // A template that writes bos_token itself would otherwise give two BOS in a row.
    const tokenizer::TokenId bos = tokenizer.vocab().bos;
    if (ids.size() >= 2 && ids[0] == bos && ids[1] == bos)
        ids.erase(ids.begin());
    return ids;
}

// The prompt verbatim with each piece of text that became a special token (control, user-defined
// or unknown) wrapped in marks. Found by tokenizing rather than by string search, so text that only
// looks like a special token (without --special) stays unmarked.
std::string markSpecialTokens(const tokenizer::Tokenizer &tokenizer, std::string_view prompt, bool parseSpecial)
{
    const tokenizer::Vocab &vocab = tokenizer.vocab();
    std::string marked;
    std::size_t cursor = 0;
    for (const tokenizer::TokenId id : tokenizer.encode(prompt, false, parseSpecial)) {
        if (!vocab.isSpecial(id))
            continue;
        const std::string &text = vocab.tokens[static_cast<std::size_t>(id)];
        const std::size_t at = prompt.find(text, cursor);
        if (at == std::string_view::npos)
            continue;
        marked.append(prompt.substr(cursor, at - cursor)).append(kMarkOpen).append(text).append(kMarkClose);
        cursor = at + text.size();
    }
    return marked.append(prompt.substr(cursor));
}

void writeToken(const tokenizer::Tokenizer &tokenizer, const session::GeneratedToken &token)
{
    JsonWriter out;
    out.beginObject().key("id").value(token.id).key("piece").value(token.piece).key("logprob").value(token.logprob).key("entropy").value(token.entropy);
    out.key("top").beginArray();
    for (const session::Alternative &alternative : token.top)
        out.beginObject().key("id").value(alternative.id).key("piece").value(alternative.piece).key("logprob").value(alternative.logprob).endObject();
    out.endArray();
    if (!token.stages.empty()) {
        out.key("stages").beginArray();
        for (const sampling::StageRecord &record : token.stages) {
            out.beginObject().key("stage").value(record.stage).key("survivors").value(static_cast<std::uint64_t>(record.survivors)).key("top").beginArray();
            for (const sampling::TokenProbability &entry : record.top)
                out.beginObject()
                    .key("id")
                    .value(entry.id)
                    .key("piece")
                    .value(tokenizer.tokenBytes(entry.id))
                    .key("probability")
                    .value(entry.probability)
                    .endObject();
            out.endArray().endObject();
        }
        out.endArray();
    }
    out.endObject();
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
    const bool chat = args.flag("--chat");
    const std::optional<std::string> system = args.option("--system");
    const bool showPrompt = args.flag("--show-prompt");
    const long long maxTokens = args.integer("--n", 128);
    const compute::BackendOptions backendChoice = backendOptions(args);
    const gguf::TensorType cacheType = args.kvCacheType();
    const auto context = static_cast<std::size_t>(std::max(0LL, args.integer("--ctx", 0)));
    const auto top = static_cast<std::size_t>(std::max(0LL, args.integer("--top", 5)));
    const bool special = args.flag("--special");
    const auto recordStages = static_cast<std::size_t>(std::max(0LL, args.integer("--record-stages", 0)));
    const sampling::SamplerSettings sampler = samplerSettings(args);
    const bool json = args.flag("--json");
    args.finish();
    if (system && !chat)
        throw Error("--system needs --chat");

    const gguf::GgufFile file(modelPath);
    const auto tokenizer = tokenizer::Tokenizer::fromGguf(file);
    // The template's markup is made of special tokens, so a rendered prompt is read with them.
    const bool parseSpecial = special || chat;
    const std::string text = chat ? renderChat(file, system, prompt) : prompt;
    const std::vector<tokenizer::TokenId> ids = promptTokens(*tokenizer, text, parseSpecial);
    if (showPrompt) {
        const std::string marked = markSpecialTokens(*tokenizer, text, parseSpecial);
        if (json)
            std::cout << JsonWriter().beginObject().key("prompt").value(marked).endObject().str() << '\n';
        else
            std::cerr << marked << '\n';
    }
    const auto backend = compute::createBackend(backendChoice);
    model::Transformer transformer(file, *backend);
    session::Session session(transformer, {.contextLength = context, .kvType = cacheType});
    session::Generator generator(session, *tokenizer, sampling::buildChain(sampler));

    const session::GenerationOptions options{.maxTokens = static_cast<int>(std::clamp(maxTokens, -1LL, 1LL << 30)),
                                             .topAlternatives = json ? top : 0,
                                             .recordStagesTopN = json ? recordStages : 0};
    const session::GenerationResult result = generator.generate(ids, options, [&](const session::GeneratedToken &token) {
        if (json)
            writeToken(*tokenizer, token);
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
