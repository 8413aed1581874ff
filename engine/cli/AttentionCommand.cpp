#include "Commands.h"
#include "BackendArgs.h"

#include "gguf/GgufFile.h"
#include "inspect/AttentionCapture.h"
#include "inspect/HiddenStateCapture.h"
#include "inspect/LogitLens.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "session/TokenLogprobs.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"
#include "util/Json.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>

namespace glassbox::cli
{

namespace
{

struct Token {
    std::int32_t id;
    std::string piece;
};

struct LensTop {
    Token token;
    double logprob;
};
// The most likely token of each logit lens row, per position: lens[position][layer].
using LensTops = std::vector<std::vector<LensTop>>;

// A piece shortened and stripped of control characters, so each table row stays on one line.
std::string tableLabel(const std::string &piece)
{
    std::string label = piece.substr(0, 10);
    std::replace_if(label.begin(), label.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, '?');
    return label;
}

void printTable(const std::vector<Token> &tokens, const inspect::AttentionCapture &capture, std::size_t layer, const LensTops &lens)
{
    const std::size_t n = tokens.size();
    for (std::size_t head : capture.heads()) {
        std::printf("layer %zu head %zu (row = query, column = key)\n%16s", layer, head, "");
        for (std::size_t key = 0; key < n; ++key)
            std::printf(" %5zu", key);
        std::printf("\n");
        const std::vector<float> matrix = capture.matrix(layer, head);
        for (std::size_t query = 0; query < n; ++query) {
            std::printf("%4zu %-11s", query, tableLabel(tokens[query].piece).c_str());
            for (std::size_t key = 0; key <= query; ++key)
                std::printf(" %5.3f", static_cast<double>(matrix[query * n + key]));
            std::printf("\n");
        }
        std::printf("\n");
    }
    if (lens.empty())
        return;
    // Column l: the stream entering layer l ("in 0" is the embedding); the last: the model's output.
    const std::size_t layers = lens.front().size() - 1;
    std::printf("logit lens: the most likely next token, from the stream entering each layer\n%16s", "");
    for (std::size_t layer = 0; layer < layers; ++layer)
        std::printf(" %-11s", ("in " + std::to_string(layer)).c_str());
    std::printf(" %-11s\n", "output");
    for (std::size_t position = 0; position < n; ++position) {
        std::printf("%4zu %-11s", position, tableLabel(tokens[position].piece).c_str());
        for (const LensTop &top : lens[position])
            std::printf(" %-11s", tableLabel(top.token.piece).c_str());
        std::printf("\n");
    }
}

void printJson(const std::vector<Token> &tokens, const inspect::AttentionCapture &capture, std::size_t layer, const LensTops &lens)
{
    const std::size_t n = tokens.size();
    JsonWriter out;
    out.beginObject().key("tokens").beginArray();
    for (const Token &token : tokens)
        out.beginObject().key("id").value(token.id).key("piece").value(token.piece).endObject();
    out.endArray().key("layer").value(static_cast<std::uint64_t>(layer)).key("heads").beginArray();
    for (std::size_t head : capture.heads()) {
        out.beginObject().key("head").value(static_cast<std::uint64_t>(head)).key("probabilities").beginArray();
        const std::vector<float> matrix = capture.matrix(layer, head);
        for (std::size_t query = 0; query < n; ++query) {
            out.beginArray();
            for (std::size_t key = 0; key < n; ++key)
                out.value(static_cast<double>(matrix[query * n + key]));
            out.endArray();
        }
        out.endArray().endObject();
    }
    out.endArray();
    if (!lens.empty()) {
        // lens[position][layer]: the top token if the stream entering `layer` went to the output.
        out.key("lens").beginArray();
        for (const auto &layers : lens) {
            out.beginArray();
            for (const LensTop &top : layers)
                out.beginObject().key("id").value(top.token.id).key("piece").value(top.token.piece).key("logprob").value(top.logprob).endObject();
            out.endArray();
        }
        out.endArray();
    }
    out.endObject();
    std::cout << out.str() << '\n';
}

} // namespace

int attentionCommand(Args &args)
{
    const std::string modelPath = args.required("--model");
    const std::string prompt = args.required("--prompt");
    const long long layer = args.integer("--layer", -1);
    const long long head = args.integer("--head", -1);
    const compute::BackendOptions backendChoice = backendOptions(args);
    const gguf::TensorType kvType = args.kvCacheType();
    const bool withLens = args.flag("--lens");
    const bool json = args.flag("--json");
    args.finish();
    if (layer < 0)
        throw Error("give the layer to show with --layer L (0 is the first)");
    if (head < -1)
        throw Error("--head expects a head number (0 is the first)");

    const gguf::GgufFile file(modelPath);
    const auto tokenizer = tokenizer::Tokenizer::fromGguf(file);
    const std::vector<std::int32_t> ids = tokenizer->encode(prompt, true, false);
    if (ids.empty())
        throw Error("the prompt has no tokens");

    const auto backend = compute::createBackend(backendChoice);
    model::Transformer transformer(file, *backend);
    std::vector<std::size_t> heads(transformer.config().heads);
    std::iota(heads.begin(), heads.end(), std::size_t{0});
    if (head >= 0)
        heads = {static_cast<std::size_t>(head)};
    inspect::AttentionCapture capture({static_cast<std::size_t>(layer)}, heads);
    transformer.setAttentionCapture(&capture);
    inspect::HiddenStateCapture hidden;
    if (withLens)
        transformer.setHiddenStateCapture(&hidden);

    session::Session session(transformer, {.contextLength = ids.size(), .kvType = kvType});
    session.prefill(ids);

    std::vector<Token> tokens;
    for (std::int32_t id : ids)
        tokens.push_back({id, tokenizer->tokenBytes(id, true)});
    LensTops lens;
    if (withLens) {
        const std::size_t vocab = transformer.config().vocab;
        for (std::size_t position = 0; position < ids.size(); ++position) {
            const std::vector<float> logits = inspect::logitLens(transformer, hidden, position);
            auto &layers = lens.emplace_back();
            for (std::size_t row = 0; row < hidden.states(); ++row) {
                const session::TokenLogprob top = session::TokenLogprobs({logits.data() + row * vocab, vocab}).top(1).front();
                layers.push_back({{top.id, tokenizer->tokenBytes(top.id, true)}, top.logprob});
            }
        }
    }
    if (json)
        printJson(tokens, capture, static_cast<std::size_t>(layer), lens);
    else
        printTable(tokens, capture, static_cast<std::size_t>(layer), lens);
    return 0;
}

} // namespace glassbox::cli
