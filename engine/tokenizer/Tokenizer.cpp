#include "Tokenizer.h"

#include "BpeTokenizer.h"
#include "SpecialTokenSplitter.h"
#include "SpmTokenizer.h"
#include "Utf8.h"
#include "WordPieceTokenizer.h"
#include "gguf/GgufFile.h"

namespace glassbox::tokenizer {

std::unique_ptr<Tokenizer> Tokenizer::fromGguf(const gguf::GgufFile &file)
{
    Vocab vocab = Vocab::fromGguf(file);
    switch (vocab.model) {
    case VocabModel::Spm:
        return makeSpmTokenizer(std::move(vocab));
    case VocabModel::Bpe:
        return makeBpeTokenizer(std::move(vocab));
    case VocabModel::WordPiece:
        break;
    }
    return makeWordPieceTokenizer(std::move(vocab));
}

Tokenizer::Tokenizer(Vocab vocab)
    : m_vocab(std::move(vocab))
    , m_splitter(std::make_unique<SpecialTokenSplitter>(m_vocab))
{
}

Tokenizer::~Tokenizer() = default;

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool addSpecial, bool parseSpecial) const
{
    std::vector<TokenId> out;
    const bool wordPiece = m_vocab.model == VocabModel::WordPiece;
    if (addSpecial && m_vocab.addBos)
        out.push_back(wordPiece ? m_vocab.cls : m_vocab.bos);

    bool atStart = true;
    for (const Fragment &fragment : m_splitter->split(text, parseSpecial)) {
        if (fragment.token >= 0) {
            out.push_back(fragment.token);
            atStart = true;
        } else {
            encodeFragment(text.substr(fragment.offset, fragment.length), atStart, out);
            atStart = false;
        }
    }

    if (addSpecial && m_vocab.addEos)
        out.push_back(m_vocab.eos);
    // Only llama.cpp's WordPiece path appends the separator.
    if (addSpecial && wordPiece && m_vocab.addSep)
        out.push_back(m_vocab.sep);
    return out;
}

std::string Tokenizer::tokenBytes(TokenId id, bool renderSpecial) const
{
    if (!m_vocab.isValid(id))
        return {};
    const std::string &text = m_vocab.tokens[static_cast<std::size_t>(id)];
    switch (m_vocab.kind(id)) {
    case TokenKind::Control:
    case TokenKind::Unknown:
        return renderSpecial ? text : std::string();
    case TokenKind::UserDefined:
        return text;
    case TokenKind::Normal:
        return pieceToBytes(id);
    case TokenKind::Byte:
        // SPM byte-fallback tokens are spelled <0xXX>.
        if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && text[5] == '>')
            return std::string(1, static_cast<char>(std::stoi(text.substr(3, 2), nullptr, 16)));
        return pieceToBytes(id);
    case TokenKind::Unused:
    case TokenKind::Undefined:
        break;
    }
    return {};
}

std::string Tokenizer::decode(const std::vector<TokenId> &ids, bool renderSpecial) const
{
    std::string out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string piece = tokenBytes(ids[i], renderSpecial);
        const bool stripSpace = i == 0 && m_vocab.addSpacePrefix && !piece.empty() && piece.front() == ' ';
        out.append(piece, stripSpace ? 1 : 0);
    }
    return out;
}

StreamingDecoder::StreamingDecoder(const Tokenizer &tokenizer, bool renderSpecial)
    : m_tokenizer(tokenizer)
    , m_renderSpecial(renderSpecial)
{
}

std::string StreamingDecoder::push(TokenId id)
{
    m_pending += m_tokenizer.tokenBytes(id, m_renderSpecial);
    const std::size_t complete = utf8::completePrefix(m_pending);
    std::string out = utf8::sanitize(std::string_view(m_pending).substr(0, complete));
    m_pending.erase(0, complete);
    return out;
}

std::string StreamingDecoder::flush()
{
    std::string out = utf8::sanitize(m_pending);
    m_pending.clear();
    return out;
}

} // namespace glassbox::tokenizer
