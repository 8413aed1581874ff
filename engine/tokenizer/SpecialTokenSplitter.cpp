#include "SpecialTokenSplitter.h"

#include <algorithm>
#include <cctype>

namespace glassbox::tokenizer {

SpecialTokenSplitter::SpecialTokenSplitter(const Vocab &vocab)
    : m_vocab(vocab)
{
    std::fill(std::begin(m_rootChild), std::end(m_rootChild), -1);
    m_trie.emplace_back();
    for (const TokenId id : vocab.specialTokens) {
        const std::string &text = vocab.tokens[static_cast<std::size_t>(id)];
        int node = 0;
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            auto &children = m_trie[static_cast<std::size_t>(node)].children;
            const auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(byte, 0), [](const auto &a, const auto &b) {
                return a.first < b.first;
            });
            if (it != children.end() && it->first == byte) {
                node = it->second;
                continue;
            }
            const int child = static_cast<int>(m_trie.size());
            children.insert(it, {byte, child});
            m_trie.emplace_back();
            if (node == 0)
                m_rootChild[byte] = child;
            node = child;
        }
        m_trie[static_cast<std::size_t>(node)].token = id;
    }
}

bool SpecialTokenSplitter::splits(TokenId id, bool parseSpecial) const
{
    return parseSpecial || m_vocab.kind(id) == TokenKind::UserDefined;
}

std::vector<bool> SpecialTokenSplitter::present(std::string_view text, bool parseSpecial) const
{
    std::vector<bool> found(m_vocab.size(), false);
    for (std::size_t start = 0; start < text.size(); ++start) {
        int node = m_rootChild[static_cast<unsigned char>(text[start])];
        for (std::size_t i = start + 1; node >= 0; ++i) {
            const Node &current = m_trie[static_cast<std::size_t>(node)];
            if (current.token >= 0 && splits(current.token, parseSpecial))
                found[static_cast<std::size_t>(current.token)] = true;
            if (i == text.size())
                break;
            const auto byte = static_cast<unsigned char>(text[i]);
            const auto it = std::lower_bound(current.children.begin(), current.children.end(), std::make_pair(byte, 0), [](const auto &a, const auto &b) {
                return a.first < b.first;
            });
            node = it != current.children.end() && it->first == byte ? it->second : -1;
        }
    }
    return found;
}

std::vector<Fragment> SpecialTokenSplitter::split(std::string_view text, bool parseSpecial) const
{
    std::vector<Fragment> fragments;
    if (text.empty())
        return fragments;
    fragments.push_back({-1, 0, text.size()});
    if (m_vocab.specialTokens.empty())
        return fragments;

    const auto isSpace = [&](std::size_t i) {
        return std::isspace(static_cast<unsigned char>(text[i])) != 0;
    };
    const std::vector<bool> found = present(text, parseSpecial);
    std::vector<Fragment> next;
    for (const TokenId id : m_vocab.specialTokens) {
        if (!found[static_cast<std::size_t>(id)])
            continue;
        const std::string &special = m_vocab.tokens[static_cast<std::size_t>(id)];
        const bool lstrip = m_vocab.lstrip.count(id) != 0;
        const bool rstrip = m_vocab.rstrip.count(id) != 0;
        next.clear();
        for (const Fragment &fragment : fragments) {
            if (fragment.token >= 0) {
                next.push_back(fragment);
                continue;
            }
            std::size_t offset = fragment.offset;
            std::size_t length = fragment.length;
            while (length > 0) {
                const std::size_t match = text.substr(0, offset + length).find(special, offset);
                if (match == std::string_view::npos) {
                    next.push_back({-1, offset, length});
                    break;
                }
                std::size_t leftLength = match - offset;
                if (lstrip)
                    while (leftLength > 0 && isSpace(offset + leftLength - 1))
                        --leftLength;
                if (leftLength > 0)
                    next.push_back({-1, offset, leftLength});
                next.push_back({id, match, special.size()});

                const std::size_t end = offset + length;
                offset = match + special.size();
                if (rstrip)
                    while (offset < end && isSpace(offset))
                        ++offset;
                length = end - offset;
            }
        }
        fragments.swap(next);
    }
    return fragments;
}

} // namespace glassbox::tokenizer
