#include "WordPieceTokenizer.h"

#include "util/Error.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <unordered_map>

namespace glassbox::tokenizer {

namespace {

constexpr std::string_view kWordStart = "\xE2\x96\x81"; // llama.cpp's bert vocabularies mark word starts with U+2581

// The CJK ideograph blocks BERT splits into single characters (0x2B920 as in the Hugging Face code).
bool isChineseChar(UChar32 c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

void appendUtf8(std::string &out, UChar32 c)
{
    icu::UnicodeString(c).toUTF8String(out);
}

class WordPieceTokenizer final : public Tokenizer
{
public:
    explicit WordPieceTokenizer(Vocab vocab)
        : Tokenizer(std::move(vocab))
    {
        UErrorCode status = U_ZERO_ERROR;
        m_nfd = icu::Normalizer2::getNFDInstance(status);
        if (U_FAILURE(status))
            throw Error(std::string("ICU has no NFD normalizer: ") + u_errorName(status));
        m_lookup.reserve(m_vocab.size());
        for (std::size_t i = 0; i < m_vocab.size(); ++i)
            m_lookup.emplace(m_vocab.tokens[i], static_cast<TokenId>(i));
    }

protected:
    void encodeFragment(std::string_view text, bool, std::vector<TokenId> &out) const override
    {
        for (const std::string &word : words(text))
            encodeWord(std::string(kWordStart) + word, out);
    }

    std::string pieceToBytes(TokenId id) const override
    {
        const std::string &text = m_vocab.tokens[static_cast<std::size_t>(id)];
        std::string out;
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size();) {
            if (text.compare(i, kWordStart.size(), kWordStart) == 0) {
                out += ' ';
                i += kWordStart.size();
            } else {
                out += text[i++];
            }
        }
        return out;
    }

private:
    // BERT's basic tokenizer: NFD, drop controls and accents, lowercase, split on whitespace and
    // around punctuation, ASCII symbols and CJK ideographs.
    std::vector<std::string> words(std::string_view text) const
    {
        UErrorCode status = U_ZERO_ERROR;
        // Invalid UTF-8 becomes U+FFFD here, which is dropped below like llama.cpp drops it.
        const icu::UnicodeString normalized =
            m_nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))), status);
        if (U_FAILURE(status))
            throw Error(std::string("NFD normalization failed: ") + u_errorName(status));

        std::vector<std::string> words(1);
        for (int32_t i = 0; i < normalized.length(); i = normalized.moveIndex32(i, 1)) {
            const UChar32 c = normalized.char32At(i);
            if (u_isUWhiteSpace(c)) {
                if (!words.back().empty())
                    words.emplace_back();
                continue;
            }
            const std::uint32_t category = U_GET_GC_MASK(c);
            if (c == 0 || c == 0xFFFD || (category & U_GC_C_MASK) || (category & U_GC_MN_MASK))
                continue;
            const UChar32 lower = u_tolower(c);
            if ((category & U_GC_P_MASK) || (c < 0x7F && (category & U_GC_S_MASK)) || isChineseChar(c)) {
                if (!words.back().empty())
                    words.emplace_back();
                appendUtf8(words.back(), lower);
                words.emplace_back();
            } else {
                appendUtf8(words.back(), lower);
            }
        }
        if (words.back().empty())
            words.pop_back();
        return words;
    }

    // Greedy longest match over bytes, as llama.cpp does it; a word with any unmatched position
    // becomes a single unknown token.
    void encodeWord(const std::string &word, std::vector<TokenId> &out) const
    {
        const std::size_t start = out.size();
        const std::size_t n = word.size();
        for (std::size_t i = 0; i < n;) {
            std::size_t end = std::min(n, i + m_vocab.maxTokenLength + 1);
            TokenId id = -1;
            for (; end > i; --end) {
                const auto it = m_lookup.find(std::string_view(word).substr(i, end - i));
                if (it != m_lookup.end()) {
                    id = it->second;
                    break;
                }
            }
            if (id < 0) {
                out.resize(start);
                break;
            }
            out.push_back(id);
            i = end;
        }
        if (out.size() == start) {
            if (m_vocab.unk < 0)
                throw Error("the word '" + word.substr(kWordStart.size()) + "' has no tokens and the vocabulary has no unknown token");
            out.push_back(m_vocab.unk);
        }
    }

    const icu::Normalizer2 *m_nfd = nullptr;
    std::unordered_map<std::string_view, TokenId> m_lookup; // views into m_vocab.tokens
};

} // namespace

std::unique_ptr<Tokenizer> makeWordPieceTokenizer(Vocab vocab)
{
    return std::make_unique<WordPieceTokenizer>(std::move(vocab));
}

} // namespace glassbox::tokenizer
