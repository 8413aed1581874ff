#pragma once

#include "PreTokenizer.h"
#include "Tokenizer.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>

namespace glassbox::tokenizer
{

// Byte-level BPE (tokenizer.ggml.model = "gpt2"), as llama.cpp's llm_tokenizer_bpe: the text is
// pre-tokenized by the regexes tokenizer.ggml.pre names, each piece's bytes are spelled in GPT-2's
// byte alphabet and merged pair by pair, lowest merge rank first.
class BpeTokenizer : public Tokenizer
{
public:
    // Throws glassbox::Error for a pre-tokenizer it does not support.
    explicit BpeTokenizer(Vocab vocab);

protected:
    void encodeFragment(std::string_view text, bool atStart, std::vector<TokenId> &out) const override;
    std::string pieceToBytes(TokenId id) const override;

private:
    struct Merge {
        std::int32_t rank = 0;
        TokenId result = -1; // -1: the merged text is neither a token nor part of a later merge
    };
    static std::uint64_t pairKey(TokenId left, TokenId right);
    void mergePiece(std::string_view piece, std::vector<TokenId> &out) const;
    void appendBytes(std::string_view bytes, std::vector<TokenId> &out) const;

    PreTokenizer m_preTokenizer;
    // Symbols are token ids; texts that merges name but the vocabulary lacks get ids from
    // m_vocab.size() on, so every merge is a lookup of two ids.
    std::unordered_map<std::uint64_t, Merge> m_merges;
    std::array<TokenId, 256> m_byteSymbol{}; // each byte's single-character symbol, -1 if none
};

std::unique_ptr<Tokenizer> makeBpeTokenizer(Vocab vocab);

} // namespace glassbox::tokenizer
