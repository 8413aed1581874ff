#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace glassbox::tokenizer::utf8 {

// The length llama.cpp assumes for the sequence a byte starts (from its high nibble, no validation),
// so that text is split into "characters" exactly as llama.cpp splits it.
std::size_t sequenceLength(char lead);

// Code points of text; an invalid or truncated sequence becomes one U+FFFD per byte it spans up to
// the next plausible start (as llama.cpp's unicode_cpts_from_utf8 does).
std::vector<char32_t> decode(std::string_view text);
void append(std::string &out, char32_t codePoint);

// How many leading bytes of text form whole characters: a trailing sequence that is still
// incomplete (could be finished by more bytes) is left out.
std::size_t completePrefix(std::string_view text);

// text with every invalid or incomplete sequence replaced by U+FFFD.
std::string sanitize(std::string_view text);

} // namespace glassbox::tokenizer::utf8
