#include "ByteLevel.h"

#include "Utf8.h"

#include <array>
#include <cstdint>

namespace glassbox::tokenizer::byte_level
{

namespace
{

// Printable Latin-1 bytes stand for themselves; the other 68 (controls, space, DEL, NBSP, soft
// hyphen...) take the code points from U+0100 on, in byte order.
constexpr bool standsForItself(unsigned c)
{
    return (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
}

constexpr char32_t kFirstShifted = 0x100;
constexpr char32_t kAlphabetEnd = kFirstShifted + 68;

struct Tables {
    std::array<std::string, 256> encoded;
    std::array<std::int16_t, kAlphabetEnd> byteOf; // -1: not in the alphabet

    Tables()
    {
        byteOf.fill(-1);
        char32_t next = kFirstShifted;
        for (unsigned c = 0; c < 256; ++c) {
            const char32_t codePoint = standsForItself(c) ? c : next++;
            utf8::append(encoded[c], codePoint);
            byteOf[codePoint] = static_cast<std::int16_t>(c);
        }
    }
};

const Tables &tables()
{
    static const Tables instance;
    return instance;
}

} // namespace

const std::string &encodeByte(unsigned char byte)
{
    return tables().encoded[byte];
}

std::string encode(std::string_view bytes)
{
    const Tables &t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes)
        out += t.encoded[static_cast<unsigned char>(c)];
    return out;
}

std::string decode(std::string_view text)
{
    const Tables &t = tables();
    std::string out;
    out.reserve(text.size());
    for (const char32_t codePoint : utf8::decode(text)) {
        if (codePoint < kAlphabetEnd && t.byteOf[codePoint] >= 0)
            out += static_cast<char>(t.byteOf[codePoint]);
        else
            utf8::append(out, codePoint);
    }
    return out;
}

} // namespace glassbox::tokenizer::byte_level
