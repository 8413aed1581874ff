#include "BpeTokenizer.h"

#include "ByteLevel.h"
#include "util/Error.h"

#include <optional>
#include <queue>

namespace glassbox::tokenizer
{

BpeTokenizer::BpeTokenizer(Vocab vocab)
    : Tokenizer(std::move(vocab))
    , m_preTokenizer(m_vocab.pre)
{
    if (m_vocab.merges.empty())
        throw Error("BPE vocabulary without merges (tokenizer.ggml.merges)");

    // A merge line is "left right", split at the first space after the first byte (as llama.cpp
    // does); its rank is its line number, and the first of two equal lines counts.
    const auto sides = [](const std::string &merge) -> std::optional<std::pair<std::string, std::string>> {
        const std::size_t space = merge.find(' ', 1);
        if (space == std::string::npos)
            return std::nullopt;
        return std::make_pair(merge.substr(0, space), merge.substr(space + 1));
    };
    std::unordered_map<std::string, TokenId> extraSymbols;
    const auto symbolOf = [&](const std::string &text) -> TokenId {
        if (const auto it = m_vocab.idOf.find(text); it != m_vocab.idOf.end())
            return it->second;
        if (const auto it = extraSymbols.find(text); it != extraSymbols.end())
            return it->second;
        return -1;
    };
    for (const std::string &merge : m_vocab.merges) {
        if (const auto pair = sides(merge)) {
            for (const std::string *side : {&pair->first, &pair->second}) {
                if (symbolOf(*side) < 0)
                    extraSymbols.emplace(*side, static_cast<TokenId>(m_vocab.size() + extraSymbols.size()));
            }
        }
    }
    m_merges.reserve(m_vocab.merges.size());
    for (std::size_t rank = 0; rank < m_vocab.merges.size(); ++rank) {
        if (const auto pair = sides(m_vocab.merges[rank])) {
            m_merges.emplace(pairKey(symbolOf(pair->first), symbolOf(pair->second)),
                             Merge{static_cast<std::int32_t>(rank), symbolOf(pair->first + pair->second)});
        }
    }
    for (unsigned byte = 0; byte < 256; ++byte)
        m_byteSymbol[byte] = symbolOf(byte_level::encodeByte(static_cast<unsigned char>(byte)));
}

std::uint64_t BpeTokenizer::pairKey(TokenId left, TokenId right)
{
    return (std::uint64_t(std::uint32_t(left)) << 32) | std::uint32_t(right);
}

void BpeTokenizer::encodeFragment(std::string_view text, bool /*atStart*/, std::vector<TokenId> &out) const
{
    for (const std::string &piece : m_preTokenizer.split(text)) {
        if (m_preTokenizer.ignoresMerges()) {
            if (const auto it = m_vocab.idOf.find(byte_level::encode(piece)); it != m_vocab.idOf.end()) {
                out.push_back(it->second);
                continue;
            }
        }
        mergePiece(piece, out);
    }
}

// llama.cpp's llm_tokenizer_bpe_session: one symbol per byte, and a queue of the adjacent pairs
// that a merge names, lowest rank (then leftmost) first; a merge replaces two symbols by one and
// queues the pairs it forms with its neighbours.
void BpeTokenizer::mergePiece(std::string_view piece, std::vector<TokenId> &out) const
{
    struct Symbol {
        int prev;
        int next;
        std::uint32_t start;
        std::uint32_t length; // 0 once merged into the symbol on its left
        TokenId id;
    };
    struct Candidate {
        std::int32_t rank;
        int left;
        int right;
        std::uint32_t length;
        TokenId result;
    };
    const auto later = [](const Candidate &a, const Candidate &b) {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    };

    const int count = static_cast<int>(piece.size());
    std::vector<Symbol> symbols(piece.size());
    for (int i = 0; i < count; ++i) {
        symbols[i] = {i - 1, i + 1 < count ? i + 1 : -1, std::uint32_t(i), 1, m_byteSymbol[static_cast<unsigned char>(piece[i])]};
    }

    std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> queue(later);
    const auto consider = [&](int left, int right) {
        if (left < 0 || right < 0 || symbols[left].id < 0 || symbols[right].id < 0)
            return;
        const auto it = m_merges.find(pairKey(symbols[left].id, symbols[right].id));
        if (it != m_merges.end())
            queue.push({it->second.rank, left, right, symbols[left].length + symbols[right].length, it->second.result});
    };
    for (int i = 1; i < count; ++i)
        consider(i - 1, i);

    while (!queue.empty()) {
        const Candidate candidate = queue.top();
        queue.pop();
        Symbol &left = symbols[candidate.left];
        Symbol &right = symbols[candidate.right];
        // A symbol only grows by taking in its right neighbour, so a pair whose total length
        // changed (or whose side is gone) is no longer the pair that was queued.
        if (left.length == 0 || right.length == 0 || left.length + right.length != candidate.length)
            continue;
        left.length += right.length;
        left.id = candidate.result;
        right.length = 0;
        left.next = right.next;
        if (right.next >= 0)
            symbols[right.next].prev = candidate.left;
        consider(left.prev, candidate.left);
        consider(candidate.left, left.next);
    }

    for (int i = count > 0 ? 0 : -1; i != -1; i = symbols[i].next) {
        const Symbol &symbol = symbols[i];
        if (m_vocab.isValid(symbol.id))
            out.push_back(symbol.id);
        else
            appendBytes(piece.substr(symbol.start, symbol.length), out);
    }
}

// A merge result that is not a token falls back to one token per byte. (llama.cpp looks up the
// single bytes of the symbol's UTF-8 instead, which finds nothing for bytes spelled with
// non-ASCII characters; vocabularies that hold every merge result never get here.)
void BpeTokenizer::appendBytes(std::string_view bytes, std::vector<TokenId> &out) const
{
    for (const char byte : bytes) {
        const TokenId id = m_byteSymbol[static_cast<unsigned char>(byte)];
        if (m_vocab.isValid(id))
            out.push_back(id);
    }
}

std::string BpeTokenizer::pieceToBytes(TokenId id) const
{
    return byte_level::decode(m_vocab.tokens[static_cast<std::size_t>(id)]);
}

std::unique_ptr<Tokenizer> makeBpeTokenizer(Vocab vocab)
{
    return std::make_unique<BpeTokenizer>(std::move(vocab));
}

} // namespace glassbox::tokenizer
