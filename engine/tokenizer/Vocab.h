#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace glassbox::gguf {
class GgufFile;
}

namespace glassbox::tokenizer {

using TokenId = std::int32_t;

// Token types as stored in tokenizer.ggml.token_type (llama.cpp's numbering).
enum class TokenKind : std::int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

enum class VocabModel {
    Spm, // tokenizer.ggml.model = "llama"
    Bpe, // "gpt2": byte-level BPE
    WordPiece, // "bert"
};

// Everything the tokenizer.ggml.* metadata says, validated once.
struct Vocab {
    VocabModel model = VocabModel::Spm;
    std::string modelName; // tokenizer.ggml.model as written
    std::string pre; // tokenizer.ggml.pre ("default" when absent)

    std::vector<std::string> tokens;
    std::vector<float> scores; // empty when the file has none
    std::vector<TokenKind> kinds; // Normal for every token when the file has none
    std::unordered_map<std::string, TokenId> idOf;
    std::vector<std::string> merges; // BPE only: "left right"

    std::size_t maxTokenLength = 0; // in bytes

    TokenId bos = -1;
    TokenId eos = -1;
    TokenId eot = -1;
    TokenId unk = -1;
    TokenId pad = -1;
    TokenId sep = -1;
    TokenId cls = -1; // WordPiece's leading token; llama.cpp uses bos for it when the file has none
    TokenId mask = -1;
    bool addBos = false; // WordPiece: add cls
    bool addEos = false;
    bool addSep = false; // WordPiece: add sep at the end
    bool addSpacePrefix = false;

    // Control, user-defined and unknown tokens, longest text first: the order llama.cpp splits text on
    // them (user-defined ones always, the others only with parse_special).
    std::vector<TokenId> specialTokens;
    // llama.cpp's lstrip/rstrip attributes: whitespace on that side of the token is absorbed when the
    // text is split on it. GGUF does not store them; llama.cpp sets them by model name (Phi-3 etc.).
    std::unordered_set<TokenId> lstrip;
    std::unordered_set<TokenId> rstrip;

    std::size_t size() const { return tokens.size(); }
    bool isValid(TokenId id) const { return id >= 0 && static_cast<std::size_t>(id) < tokens.size(); }
    TokenKind kind(TokenId id) const { return kinds[static_cast<std::size_t>(id)]; }
    float score(TokenId id) const { return scores.empty() ? 0.0f : scores[static_cast<std::size_t>(id)]; }
    // The id of a token text, or -1.
    TokenId find(const std::string &text) const;
    // Control, user-defined and unknown tokens: the ones the special-token split can match in text.
    bool isSpecial(TokenId id) const;

    // Throws glassbox::Error naming the problem when the metadata is missing or inconsistent.
    static Vocab fromGguf(const gguf::GgufFile &file);
};

} // namespace glassbox::tokenizer
