#pragma once

#include <string>
#include <string_view>

// GPT-2's byte-level alphabet (bytes_to_unicode): every byte stands for one printable code point,
// so any byte string becomes a string of vocabulary characters and back.
namespace glassbox::tokenizer::byte_level
{

// The UTF-8 of the code point that stands for byte.
const std::string &encodeByte(unsigned char byte);
std::string encode(std::string_view bytes);

// Back to bytes; code points outside the alphabet are kept as they are (as llama.cpp's
// llama_decode_text does), so tokens added as plain text decode to themselves.
std::string decode(std::string_view text);

} // namespace glassbox::tokenizer::byte_level
