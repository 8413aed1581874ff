#pragma once

#include "Vocab.h"

#include <string_view>
#include <vector>

namespace glassbox::tokenizer {

// One piece of the text after the special-token split: a special token, or a run of plain text.
struct Fragment {
    TokenId token = -1; // >= 0: this fragment is that special token
    std::size_t offset = 0;
    std::size_t length = 0;
};

// Splits text on the text of special tokens the way llama.cpp's tokenizer_st_partition does: one
// token at a time, longest first, each splitting every plain fragment left of the previous ones,
// absorbing whitespace next to tokens with the lstrip/rstrip attribute. User-defined tokens are
// always split out, control and unknown ones only with parseSpecial.
class SpecialTokenSplitter
{
public:
    explicit SpecialTokenSplitter(const Vocab &vocab);
    std::vector<Fragment> split(std::string_view text, bool parseSpecial) const;

private:
    // Which special tokens occur anywhere in text, so the token-by-token passes (one per token, as
    // llama.cpp does them) run only for those: vocabularies have thousands of special tokens.
    std::vector<bool> present(std::string_view text, bool parseSpecial) const;
    bool splits(TokenId id, bool parseSpecial) const;

    struct Node {
        std::vector<std::pair<unsigned char, int>> children; // sorted by byte
        TokenId token = -1;
    };
    const Vocab &m_vocab;
    std::vector<Node> m_trie;
    int m_rootChild[256];
};

} // namespace glassbox::tokenizer
