#include "Vocab.h"

#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace glassbox::tokenizer {

namespace {

using gguf::GgufFile;
using gguf::ValueArray;
using gguf::ValueType;

[[noreturn]] void fail(const GgufFile &file, const std::string &what)
{
    throw Error(file.path() + ": " + what);
}

const ValueArray *typedArray(const GgufFile &file, const char *key, std::initializer_list<ValueType> types, std::size_t minItems)
{
    const gguf::Value *value = file.find(key);
    if (!value)
        return nullptr;
    const ValueArray *array = value->asArray();
    if (!array || std::find(types.begin(), types.end(), array->elementType) == types.end())
        fail(file, std::string(key) + " has the wrong type (" + std::string(gguf::valueTypeName(value->type)) + ")");
    if (array->items.size() < minItems)
        fail(file, std::string(key) + " has " + std::to_string(array->items.size()) + " entries, fewer than the " + std::to_string(minItems) + " tokens");
    return array;
}

VocabModel modelOf(const GgufFile &file, const std::string &name)
{
    if (name == "llama")
        return VocabModel::Spm;
    if (name == "gpt2")
        return VocabModel::Bpe;
    if (name == "bert")
        return VocabModel::WordPiece;
    fail(file, "unsupported tokenizer model '" + name + "' (supported: llama, gpt2, bert)");
}

void readTokens(const GgufFile &file, Vocab &vocab)
{
    const ValueArray *tokens = typedArray(file, "tokenizer.ggml.tokens", {ValueType::String}, 0);
    if (!tokens || tokens->items.empty())
        fail(file, "no tokenizer.ggml.tokens: the file has no vocabulary");
    const std::size_t count = tokens->items.size();
    vocab.tokens.reserve(count);
    vocab.idOf.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::string text = *tokens->items[i].asString();
        // llama.cpp renames empty tokens so that every token stays addressable by its text.
        if (text.empty())
            text = "[EMPTY_" + std::to_string(i) + "]";
        const auto [it, inserted] = vocab.idOf.emplace(text, static_cast<TokenId>(i));
        if (!inserted)
            fail(file, "duplicate token '" + text + "' at ids " + std::to_string(it->second) + " and " + std::to_string(i));
        vocab.maxTokenLength = std::max(vocab.maxTokenLength, text.size());
        vocab.tokens.push_back(std::move(text));
    }

    if (const ValueArray *scores = typedArray(file, "tokenizer.ggml.scores", {ValueType::Float32, ValueType::Int32}, count)) {
        vocab.scores.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            vocab.scores.push_back(static_cast<float>(scores->items[i].asFloat().value_or(0.0)));
    }

    vocab.kinds.assign(count, TokenKind::Normal);
    if (const ValueArray *types = typedArray(file, "tokenizer.ggml.token_type", {ValueType::Int32}, count)) {
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t type = types->items[i].asInt().value_or(0);
            vocab.kinds[i] = type >= 0 && type <= static_cast<std::int64_t>(TokenKind::Byte) ? static_cast<TokenKind>(type) : TokenKind::Undefined;
        }
    }

    if (vocab.model == VocabModel::Bpe) {
        const ValueArray *merges = typedArray(file, "tokenizer.ggml.merges", {ValueType::String}, 0);
        if (!merges)
            fail(file, "no tokenizer.ggml.merges: a gpt2 (BPE) vocabulary needs them");
        vocab.merges.reserve(merges->items.size());
        for (const gguf::Value &merge : merges->items)
            vocab.merges.push_back(*merge.asString());
    }
}

// Pre-tokenizers after which llama.cpp adds BOS by default for BPE vocabularies.
bool bpeAddsBos(const std::string &pre)
{
    static constexpr std::array<std::string_view, 11> kPres =
        {"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano", "tekken", "chameleon"};
    return std::find(kPres.begin(), kPres.end(), pre) != kPres.end();
}

void readDefaults(Vocab &vocab)
{
    switch (vocab.model) {
    case VocabModel::Spm:
        vocab.bos = 1;
        vocab.eos = 2;
        vocab.unk = 0;
        vocab.addBos = true;
        vocab.addSpacePrefix = true;
        break;
    case VocabModel::WordPiece:
        vocab.bos = 101;
        vocab.unk = 100;
        vocab.sep = 102;
        vocab.pad = 0;
        vocab.mask = 103;
        vocab.addBos = true;
        vocab.addSep = true;
        break;
    case VocabModel::Bpe:
        vocab.bos = 11;
        vocab.eos = 11;
        vocab.addBos = bpeAddsBos(vocab.pre);
        vocab.addSep = vocab.pre == "jina-v1-en" || vocab.pre == "jina-v2-code" || vocab.pre == "roberta-bpe";
        break;
    }
}

void readSpecialIds(const GgufFile &file, Vocab &vocab)
{
    const std::pair<const char *, TokenId *> keys[] = {
        {"tokenizer.ggml.bos_token_id", &vocab.bos},
        {"tokenizer.ggml.eos_token_id", &vocab.eos},
        {"tokenizer.ggml.eot_token_id", &vocab.eot},
        {"tokenizer.ggml.unknown_token_id", &vocab.unk},
        {"tokenizer.ggml.seperator_token_id", &vocab.sep}, // sic: the GGUF key is spelled this way
        {"tokenizer.ggml.padding_token_id", &vocab.pad},
        {"tokenizer.ggml.cls_token_id", &vocab.cls},
        {"tokenizer.ggml.mask_token_id", &vocab.mask},
    };
    for (const auto &[key, id] : keys) {
        // As llama.cpp: a default outside the vocabulary is dropped, a stored id outside it is ignored.
        if (!vocab.isValid(*id))
            *id = -1;
        if (const auto stored = file.getUInt(key); stored && *stored < vocab.size())
            *id = static_cast<TokenId>(*stored);
    }
    if (vocab.cls < 0 && vocab.model == VocabModel::WordPiece)
        vocab.cls = vocab.bos;

    if (const auto flag = file.getBool("tokenizer.ggml.add_bos_token"))
        vocab.addBos = *flag;
    if (const auto flag = file.getBool("tokenizer.ggml.add_eos_token"))
        vocab.addEos = *flag;
    if (const auto flag = file.getBool("tokenizer.ggml.add_sep_token"))
        vocab.addSep = *flag;
    if (const auto flag = file.getBool("tokenizer.ggml.add_space_prefix"))
        vocab.addSpacePrefix = *flag;

    const TokenId first = vocab.model == VocabModel::WordPiece ? vocab.cls : vocab.bos;
    if (vocab.addBos && first < 0)
        fail(file, "tokenizer.ggml.add_bos_token is set but the vocabulary has no BOS token");
    if (vocab.addEos && vocab.eos < 0)
        fail(file, "tokenizer.ggml.add_eos_token is set but the vocabulary has no EOS token");
    if (vocab.addSep && vocab.sep < 0)
        fail(file, "tokenizer.ggml.add_sep_token is set but the vocabulary has no separator token");
}

// llama.cpp finds the end-of-turn token by its text when the file does not name it, and treats it as
// a control token whatever its stored type.
void detectEot(Vocab &vocab)
{
    if (vocab.eot >= 0)
        return;
    static constexpr std::array<std::string_view, 11> kTexts = {"<|eot_id|>",
                                                                "<|im_end|>",
                                                                "<|end|>",
                                                                "<end_of_turn>",
                                                                "<|endoftext|>",
                                                                "<|end_of_text|>",
                                                                "<EOT>",
                                                                "_<EOT>",
                                                                "[EOT]",
                                                                "<\xef\xbd\x9c"
                                                                "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
                                                                "<end_of_utterance>"};
    for (std::string_view text : kTexts) {
        const TokenId id = vocab.find(std::string(text));
        if (id >= 0) {
            vocab.eot = id;
            if (vocab.kind(id) != TokenKind::Control && vocab.kind(id) != TokenKind::Unknown)
                vocab.kinds[static_cast<std::size_t>(id)] = TokenKind::Control;
            return;
        }
    }
}

void collectSpecialTokens(const GgufFile &file, Vocab &vocab)
{
    for (std::size_t i = 0; i < vocab.size(); ++i)
        if (vocab.isSpecial(static_cast<TokenId>(i)))
            vocab.specialTokens.push_back(static_cast<TokenId>(i));
    // Stable, so equally long tokens keep id order and the split is reproducible.
    std::stable_sort(vocab.specialTokens.begin(), vocab.specialTokens.end(), [&](TokenId a, TokenId b) {
        return vocab.tokens[static_cast<std::size_t>(a)].size() > vocab.tokens[static_cast<std::size_t>(b)].size();
    });

    // llama.cpp's per-model strip attributes, keyed on general.name / tokenizer.ggml.pre / architecture.
    std::string name = file.getString("general.name").value_or("");
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    const std::string arch = file.architecture();
    const auto contains = [](const std::string &text, std::initializer_list<std::string_view> parts) {
        return std::any_of(parts.begin(), parts.end(), [&](std::string_view part) {
            return text.find(part) != std::string::npos;
        });
    };
    const auto lstripToken = [&](const char *text) {
        if (const TokenId id = vocab.find(text); id >= 0)
            vocab.lstrip.insert(id);
    };
    if (contains(vocab.pre, {"jina-v2-de", "jina-v2-es", "jina-v2-code"}) || contains(arch, {"nomic-bert-moe", "jina-bert-v3"})) {
        lstripToken("<mask>");
    } else if (contains(name, {"phi-3", "phi3"})) {
        vocab.rstrip.insert(vocab.specialTokens.begin(), vocab.specialTokens.end());
        if (const TokenId id = vocab.find("</s>"); id >= 0)
            vocab.rstrip.insert(id);
        for (const char *text : {"<unk>", "<s>", "<|endoftext|>"})
            if (const TokenId id = vocab.find(text); id >= 0)
                vocab.rstrip.erase(id);
    } else if (contains(name, {"modern-bert"})) {
        lstripToken("[MASK]");
    }
}

} // namespace

TokenId Vocab::find(const std::string &text) const
{
    const auto it = idOf.find(text);
    return it == idOf.end() ? -1 : it->second;
}

bool Vocab::isSpecial(TokenId id) const
{
    const TokenKind k = kind(id);
    return k == TokenKind::Control || k == TokenKind::UserDefined || k == TokenKind::Unknown;
}

Vocab Vocab::fromGguf(const gguf::GgufFile &file)
{
    Vocab vocab;
    const gguf::Value *model = file.find("tokenizer.ggml.model");
    if (!model)
        fail(file, "no tokenizer.ggml.model: the file has no tokenizer");
    if (!model->asString())
        fail(file, "tokenizer.ggml.model is not a string");
    vocab.modelName = *model->asString();
    vocab.model = modelOf(file, vocab.modelName);
    vocab.pre = file.getString("tokenizer.ggml.pre").value_or("default");
    if (vocab.pre.empty())
        vocab.pre = "default";

    readTokens(file, vocab);
    readDefaults(vocab);
    readSpecialIds(file, vocab);
    detectEot(vocab);
    collectSpecialTokens(file, vocab);
    return vocab;
}

} // namespace glassbox::tokenizer
