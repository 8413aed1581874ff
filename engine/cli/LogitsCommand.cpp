#include "Commands.h"
#include "BackendArgs.h"

#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "session/TokenLogprobs.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"
#include "util/Json.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>

namespace glassbox::cli
{

namespace
{

std::vector<std::int32_t> parseTokenList(const std::string &text)
{
    std::vector<std::int32_t> ids;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(',', begin), text.size());
        std::int32_t id = 0;
        const auto [last, error] = std::from_chars(text.data() + begin, text.data() + end, id);
        if (error != std::errc() || last != text.data() + end || id < 0)
            throw Error("--tokens expects comma-separated token ids, got '" + text + "'");
        ids.push_back(id);
        begin = end + 1;
    }
    return ids;
}

} // namespace

int logitsCommand(Args &args)
{
    const std::string modelPath = args.required("--model");
    const auto prompt = args.option("--prompt");
    const auto tokenList = args.option("--tokens");
    const auto top = static_cast<std::size_t>(std::max(1LL, args.integer("--top", 20)));
    const compute::BackendOptions backendChoice = backendOptions(args);
    const gguf::TensorType kvType = args.kvCacheType();
    const bool json = args.flag("--json");
    args.finish();
    if (prompt.has_value() == tokenList.has_value())
        throw Error("give either --prompt TEXT or --tokens ID,ID,...");

    const gguf::GgufFile file(modelPath);
    const std::vector<std::int32_t> ids = tokenList ? parseTokenList(*tokenList) : tokenizer::Tokenizer::fromGguf(file)->encode(*prompt, true, false);
    if (ids.empty())
        throw Error("the prompt has no tokens");

    const auto backend = compute::createBackend(backendChoice);
    model::Transformer transformer(file, *backend);
    session::Session session(transformer, {.contextLength = ids.size(), .kvType = kvType});
    const std::vector<float> logits = session.prefill(ids, session::Session::Logits::All);
    const std::size_t vocab = session.vocabSize();

    std::vector<std::vector<session::TokenLogprob>> rows;
    for (std::size_t i = 0; i < ids.size(); ++i)
        rows.push_back(session::TokenLogprobs({logits.data() + i * vocab, vocab}).top(top));

    if (!json) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::cout << i << "  token " << ids[i] << "  next:";
            for (const session::TokenLogprob &entry : rows[i]) {
                char text[48];
                std::snprintf(text, sizeof text, " %d (%.4f)", entry.id, entry.logprob);
                std::cout << text;
            }
            std::cout << '\n';
        }
        return 0;
    }
    JsonWriter out;
    out.beginObject().key("input_ids").beginArray();
    for (std::int32_t id : ids)
        out.value(id);
    out.endArray().key("top_ids").beginArray();
    for (const auto &row : rows) {
        out.beginArray();
        for (const session::TokenLogprob &entry : row)
            out.value(entry.id);
        out.endArray();
    }
    out.endArray().key("top_logprobs").beginArray();
    for (const auto &row : rows) {
        out.beginArray();
        for (const session::TokenLogprob &entry : row)
            out.value(entry.logprob);
        out.endArray();
    }
    out.endArray().endObject();
    std::cout << out.str() << '\n';
    return 0;
}

} // namespace glassbox::cli
