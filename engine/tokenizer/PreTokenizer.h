#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::tokenizer
{

// Splits text into the pieces byte-level BPE merges within, the way llama.cpp does for a
// tokenizer.ggml.pre name: a list of regexes, each applied to every piece the previous ones left,
// where both the matches and the gaps between them become pieces.
class PreTokenizer
{
public:
    // "" means the file has no tokenizer.ggml.pre (llama.cpp then uses "default").
    // Throws glassbox::Error for a name it does not support.
    explicit PreTokenizer(std::string_view name);
    ~PreTokenizer();
    PreTokenizer(PreTokenizer &&) noexcept;
    PreTokenizer &operator=(PreTokenizer &&) noexcept;

    static bool supports(std::string_view name);
    // Every name the constructor takes, for messages and tests.
    static std::vector<std::string_view> supportedNames();

    // llama.cpp's ignore_merges (Llama 3 and kin): a whole piece that is a token is taken as is.
    bool ignoresMerges() const;

    // Invalid UTF-8 is replaced by U+FFFD first, as llama.cpp does; the pieces concatenate to
    // the text so cleaned.
    std::vector<std::string> split(std::string_view text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace glassbox::tokenizer
