#pragma once

#include "Vocab.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::tokenizer {

class SpecialTokenSplitter;

// Text ⇄ token ids, exactly as llama.cpp's tokenizer for the same GGUF does it.
// One subclass per family implements encodeFragment(); splitting out special tokens, adding
// BOS/EOS and detokenizing are common.
class Tokenizer
{
public:
    // Builds the tokenizer the file's tokenizer.ggml.model names; throws glassbox::Error for a
    // model or pre-tokenizer it does not support (naming it).
    static std::unique_ptr<Tokenizer> fromGguf(const gguf::GgufFile &file);

    virtual ~Tokenizer();

    const Vocab &vocab() const { return m_vocab; }

    // addSpecial: BOS/EOS (or CLS/SEP) as the vocabulary asks (llama.cpp's add_special).
    // parseSpecial: text of control and unknown tokens becomes those tokens (parse_special);
    // user-defined tokens are split out either way, as llama.cpp does.
    std::vector<TokenId> encode(std::string_view text, bool addSpecial, bool parseSpecial) const;

    // The bytes a token contributes to the output text. Control (and unknown) tokens give their
    // text only when renderSpecial is set; an id outside the vocabulary gives nothing.
    std::string tokenBytes(TokenId id, bool renderSpecial = false) const;
    // The concatenated token bytes, less the one leading space an SPM space prefix put there (as
    // llama.cpp's detokenize does), so decode(encode(s)) == s for lossless vocabularies.
    std::string decode(const std::vector<TokenId> &ids, bool renderSpecial = false) const;

protected:
    explicit Tokenizer(Vocab vocab);
    // Tokenizes one run of plain text (no special tokens in it). `atStart` is true for the first
    // fragment of the text and for fragments right after a special token.
    virtual void encodeFragment(std::string_view text, bool atStart, std::vector<TokenId> &out) const = 0;
    // Turns a normal token's vocabulary string into output bytes (e.g. SPM's ▁ → space). Byte,
    // control and user-defined tokens are handled by the base class.
    virtual std::string pieceToBytes(TokenId id) const = 0;

    Vocab m_vocab;

private:
    std::unique_ptr<SpecialTokenSplitter> m_splitter;
};

// Feeds token ids one at a time and releases text only in whole UTF-8 characters, so a streamed
// reply never shows half of a multi-byte character.
class StreamingDecoder
{
public:
    explicit StreamingDecoder(const Tokenizer &tokenizer, bool renderSpecial = false);
    std::string push(TokenId id);
    // Whatever is held back, with incomplete sequences replaced by U+FFFD.
    std::string flush();

private:
    const Tokenizer &m_tokenizer;
    bool m_renderSpecial;
    std::string m_pending;
};

} // namespace glassbox::tokenizer
