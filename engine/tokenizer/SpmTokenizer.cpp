#include "SpmTokenizer.h"

#include "Utf8.h"
#include "util/Error.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_map>

namespace glassbox::tokenizer {

namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81"; // U+2581, SentencePiece's visible space

std::string replaceSpaceMarks(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, kSpace.size(), kSpace) == 0) {
            out += ' ';
            i += kSpace.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

class SpmTokenizer final : public Tokenizer
{
public:
    explicit SpmTokenizer(Vocab vocab)
        : Tokenizer(std::move(vocab))
    {
        m_lookup.reserve(m_vocab.size());
        for (std::size_t i = 0; i < m_vocab.size(); ++i)
            m_lookup.emplace(m_vocab.tokens[i], static_cast<TokenId>(i));
        // llama.cpp's byte_to_token: the <0xXX> token, else a token that is the byte itself.
        for (int byte = 0; byte < 256; ++byte) {
            char hex[7];
            std::snprintf(hex, sizeof hex, "<0x%02X>", byte);
            const char raw = static_cast<char>(byte);
            TokenId id = lookup(hex);
            if (id < 0)
                id = lookup(std::string_view(&raw, 1));
            m_byteToken[static_cast<std::size_t>(byte)] = id;
        }
        m_wordsIndependent = std::none_of(m_vocab.tokens.begin(), m_vocab.tokens.end(), [](const std::string &token) {
            for (std::size_t at = token.find(kSpace, 1); at != std::string::npos; at = token.find(kSpace, at + 1))
                if (at < kSpace.size() || token.compare(at - kSpace.size(), kSpace.size(), kSpace) != 0)
                    return true;
            return false;
        });
    }

protected:
    void encodeFragment(std::string_view text, bool atStart, std::vector<TokenId> &out) const override
    {
        std::string escaped;
        escaped.reserve(text.size() + kSpace.size() * 4);
        if (m_vocab.addSpacePrefix && atStart)
            escaped += kSpace;
        for (const char c : text) {
            if (c == ' ')
                escaped += kSpace;
            else
                escaped += c;
        }
        Scratch scratch;
        if (!m_wordsIndependent) {
            mergeAndEmit(escaped, scratch, out);
            return;
        }
        // No token has ▁ after anything but ▁, so no merge crosses a character boundary where a ▁
        // follows something else: merging word by word gives the same tokens with small queues (the
        // whole text in one queue thrashes the cache).
        const std::string_view all(escaped);
        std::size_t start = 0;
        for (std::size_t at = 0; at < all.size(); at += utf8::sequenceLength(all[at])) {
            if (at >= kSpace.size() && all.compare(at, kSpace.size(), kSpace) == 0 && all.compare(at - kSpace.size(), kSpace.size(), kSpace) != 0) {
                mergeAndEmit(all.substr(start, at - start), scratch, out);
                start = at;
            }
        }
        mergeAndEmit(all.substr(start), scratch, out);
    }

    std::string pieceToBytes(TokenId id) const override { return replaceSpaceMarks(m_vocab.tokens[static_cast<std::size_t>(id)]); }

private:
    struct Symbol {
        int prev;
        int next;
        std::size_t offset;
        std::size_t length; // 0 once merged into its left neighbour
    };
    struct Bigram {
        int left;
        int right;
        float score;
        std::size_t length;
    };
    // Highest score first; on a tie the leftmost pair, as llama.cpp orders them.
    static bool lower(const Bigram &a, const Bigram &b) { return a.score < b.score || (a.score == b.score && a.left > b.left); }
    // Reused from word to word.
    struct Scratch {
        std::vector<Symbol> symbols;
        std::vector<Bigram> queue; // a heap ordered by lower()
    };

    TokenId lookup(std::string_view text) const
    {
        const auto it = m_lookup.find(text);
        return it == m_lookup.end() ? -1 : it->second;
    }

    void tryAddBigram(std::string_view text, const std::vector<Symbol> &symbols, int left, int right, std::vector<Bigram> &queue) const
    {
        if (left < 0 || right < 0)
            return;
        const Symbol &l = symbols[static_cast<std::size_t>(left)];
        const std::size_t length = l.length + symbols[static_cast<std::size_t>(right)].length;
        const TokenId id = lookup(text.substr(l.offset, length));
        if (id >= 0) {
            queue.push_back({left, right, m_vocab.score(id), length});
            std::push_heap(queue.begin(), queue.end(), lower);
        }
    }

    // Starts from single characters and keeps merging the adjacent pair whose concatenation is the
    // best-scoring token; a priority queue with lazy invalidation keeps this O(n log n).
    void mergeAndEmit(std::string_view text, Scratch &scratch, std::vector<TokenId> &out) const
    {
        std::vector<Symbol> &symbols = scratch.symbols;
        std::vector<Bigram> &queue = scratch.queue;
        symbols.clear();
        queue.clear();
        for (std::size_t offset = 0; offset < text.size();) {
            const std::size_t length = std::min(utf8::sequenceLength(text[offset]), text.size() - offset);
            const int index = static_cast<int>(symbols.size());
            symbols.push_back({index - 1, offset + length == text.size() ? -1 : index + 1, offset, length});
            offset += length;
        }
        if (symbols.empty())
            return;

        for (int i = 1; i < static_cast<int>(symbols.size()); ++i)
            tryAddBigram(text, symbols, i - 1, i, queue);

        while (!queue.empty()) {
            std::pop_heap(queue.begin(), queue.end(), lower);
            const Bigram bigram = queue.back();
            queue.pop_back();
            Symbol &left = symbols[static_cast<std::size_t>(bigram.left)];
            Symbol &right = symbols[static_cast<std::size_t>(bigram.right)];
            // Stale: one side was merged away or grew since the pair was queued.
            if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length)
                continue;
            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0)
                symbols[static_cast<std::size_t>(right.next)].prev = bigram.left;
            tryAddBigram(text, symbols, left.prev, bigram.left, queue);
            tryAddBigram(text, symbols, bigram.left, left.next, queue);
        }

        for (int i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
            const Symbol &symbol = symbols[static_cast<std::size_t>(i)];
            const std::string_view piece = text.substr(symbol.offset, symbol.length);
            if (const TokenId id = lookup(piece); id >= 0) {
                out.push_back(id);
                continue;
            }
            // Every merge produced a token, so this is one character the vocabulary lacks: byte fallback.
            for (const char c : piece)
                out.push_back(byteToken(static_cast<unsigned char>(c)));
        }
    }

    TokenId byteToken(unsigned char byte) const
    {
        const TokenId id = m_byteToken[byte];
        if (id >= 0)
            return id;
        if (m_vocab.unk >= 0)
            return m_vocab.unk;
        char hex[5];
        std::snprintf(hex, sizeof hex, "0x%02X", byte);
        throw Error(std::string("the vocabulary has neither a token for byte ") + hex + " nor an unknown token");
    }

    std::unordered_map<std::string_view, TokenId> m_lookup; // views into m_vocab.tokens
    std::array<TokenId, 256> m_byteToken{};
    bool m_wordsIndependent = false;
};

} // namespace

std::unique_ptr<Tokenizer> makeSpmTokenizer(Vocab vocab)
{
    return std::make_unique<SpmTokenizer>(std::move(vocab));
}

} // namespace glassbox::tokenizer
