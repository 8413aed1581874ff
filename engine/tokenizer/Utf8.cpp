#include "Utf8.h"

namespace glassbox::tokenizer::utf8 {

namespace {

bool isContinuation(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

// The length of a well-formed sequence starting with lead, 0 for a byte no sequence starts with.
std::size_t expectedLength(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead < 0xC0)
        return 0;
    if (lead < 0xE0)
        return 2;
    if (lead < 0xF0)
        return 3;
    if (lead < 0xF8)
        return 4;
    return 0;
}

// Decodes the sequence at offset; returns its length, or 0 when it is invalid or cut short.
std::size_t decodeAt(std::string_view text, std::size_t offset, char32_t &codePoint)
{
    const auto lead = static_cast<unsigned char>(text[offset]);
    const std::size_t length = expectedLength(lead);
    if (length == 0 || offset + length > text.size())
        return 0;
    static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    char32_t value = lead & kLeadMask[length];
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[offset + i]);
        if (!isContinuation(byte))
            return 0;
        value = (value << 6) | (byte & 0x3F);
    }
    codePoint = value;
    return length;
}

} // namespace

std::size_t sequenceLength(char lead)
{
    static constexpr std::size_t kLengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengths[static_cast<unsigned char>(lead) >> 4];
}

std::vector<char32_t> decode(std::string_view text)
{
    std::vector<char32_t> out;
    out.reserve(text.size());
    for (std::size_t offset = 0; offset < text.size();) {
        char32_t codePoint = 0;
        const std::size_t length = decodeAt(text, offset, codePoint);
        out.push_back(length ? codePoint : U'\uFFFD');
        offset += length ? length : 1;
    }
    return out;
}

void append(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::size_t completePrefix(std::string_view text)
{
    // Only the last three bytes can belong to an unfinished sequence.
    const std::size_t stop = text.size() > 3 ? text.size() - 3 : 0;
    for (std::size_t i = text.size(); i > stop; --i) {
        const auto byte = static_cast<unsigned char>(text[i - 1]);
        if (isContinuation(byte))
            continue;
        const std::size_t length = expectedLength(byte);
        return length > text.size() - (i - 1) ? i - 1 : text.size();
    }
    return text.size();
}

std::string sanitize(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t offset = 0; offset < text.size();) {
        char32_t codePoint = 0;
        const std::size_t length = decodeAt(text, offset, codePoint);
        if (length)
            out.append(text.substr(offset, length));
        else
            out += "\xEF\xBF\xBD";
        offset += length ? length : 1;
    }
    return out;
}

} // namespace glassbox::tokenizer::utf8
