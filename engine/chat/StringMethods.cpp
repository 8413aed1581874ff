#include "StringMethods.h"

#include "Builtins.h"

#include <algorithm>
#include <iterator>
#include <cctype>

namespace glassbox::chat {

namespace {

constexpr std::string_view kMethods[] = {
    "capitalize", "count", "endswith", "find", "format", "join", "lower", "lstrip", "replace", "rsplit",
    "rstrip", "split", "startswith", "strip", "title", "upper",
};

constexpr std::string_view kWhitespace = " \t\n\r\f\v";

char upper(char c)
{
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

char lower(char c)
{
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Bytes of multi-byte UTF-8 characters count as letters, so words keep going through them.
bool isLetter(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

std::string strip(const std::string &text, const Value &chars, bool left, bool right)
{
    const std::string set = chars.isString() ? chars.asString() : std::string(kWhitespace);
    std::size_t begin = 0;
    std::size_t end = text.size();
    if (left)
        while (begin < end && set.find(text[begin]) != std::string::npos)
            ++begin;
    if (right)
        while (end > begin && set.find(text[end - 1]) != std::string::npos)
            --end;
    return text.substr(begin, end - begin);
}

List split(const std::string &text, const Value &separator, std::int64_t maxSplit)
{
    List parts;
    if (separator.isString()) {
        const std::string &sep = separator.asString();
        if (sep.empty())
            throw EvaluationError("split: empty separator");
        std::size_t start = 0;
        while (maxSplit < 0 || static_cast<std::int64_t>(parts.size()) < maxSplit) {
            const std::size_t found = text.find(sep, start);
            if (found == std::string::npos)
                break;
            parts.emplace_back(text.substr(start, found - start));
            start = found + sep.size();
        }
        parts.emplace_back(text.substr(start));
        return parts;
    }
    // No separator: runs of whitespace split, and empty pieces are dropped.
    std::size_t pos = text.find_first_not_of(kWhitespace);
    while (pos != std::string::npos) {
        if (maxSplit >= 0 && static_cast<std::int64_t>(parts.size()) == maxSplit) {
            parts.emplace_back(strip(text.substr(pos), Value(), false, true));
            break;
        }
        const std::size_t end = std::min(text.find_first_of(kWhitespace, pos), text.size());
        parts.emplace_back(text.substr(pos, end - pos));
        pos = text.find_first_not_of(kWhitespace, end);
    }
    return parts;
}

bool affixMatches(const std::string &text, const Value &affix, bool prefix)
{
    if (affix.isList()) {
        return std::any_of(affix.list().begin(), affix.list().end(),
                           [&](const Value &candidate) { return affixMatches(text, candidate, prefix); });
    }
    if (!affix.isString())
        throw EvaluationError(std::string(prefix ? "startswith" : "endswith") + " needs a string or tuple of strings");
    return prefix ? std::string_view(text).starts_with(affix.asString()) : std::string_view(text).ends_with(affix.asString());
}

std::string replace(const std::string &text, const std::string &from, const std::string &to, std::int64_t count)
{
    std::string out;
    std::size_t start = 0;
    std::int64_t done = 0;
    if (from.empty()) { // Python inserts `to` around every character
        const std::vector<std::string> chars = characters(text);
        for (const std::string &character : chars) {
            if (count < 0 || done++ < count)
                out += to;
            out += character;
        }
        return (count < 0 || done < count) ? out + to : out;
    }
    while (count < 0 || done < count) {
        const std::size_t found = text.find(from, start);
        if (found == std::string::npos)
            break;
        out += text.substr(start, found - start) + to;
        start = found + from.size();
        ++done;
    }
    return out + text.substr(start);
}

// str.format with "{}", "{0}" and "{name}" fields and "{{" / "}}" escapes; no format specs.
std::string format(const std::string &text, const Arguments &arguments)
{
    std::string out;
    std::size_t automatic = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            out += '}';
            ++i;
            continue;
        }
        if (text[i] != '{') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        const std::size_t close = text.find('}', i);
        if (close == std::string::npos)
            throw EvaluationError("format: single '{' in format string");
        const std::string field = text.substr(i + 1, close - i - 1);
        const Value *value = nullptr;
        if (field.empty())
            value = arguments.find(automatic++, "");
        else if (std::all_of(field.begin(), field.end(), ::isdigit))
            value = arguments.find(std::stoul(field), "");
        else
            value = arguments.keyword(field);
        if (!value)
            throw EvaluationError("format: no argument for field '{" + field + "}'");
        out += value->str();
        i = close;
    }
    return out;
}

} // namespace

bool isStringMethod(std::string_view name)
{
    return std::find(std::begin(kMethods), std::end(kMethods), name) != std::end(kMethods);
}

Value stringMethod(std::string_view name, const std::string &text, const Arguments &arguments)
{
    if (name == "strip" || name == "lstrip" || name == "rstrip")
        return Value(strip(text, argument(arguments, 0, "chars"), name != "rstrip", name != "lstrip"));
    if (name == "upper" || name == "lower") {
        std::string out = text;
        std::transform(out.begin(), out.end(), out.begin(), name == "upper" ? upper : lower);
        return Value(out);
    }
    if (name == "title") {
        std::string out = text;
        bool previousLetter = false;
        for (char &c : out) {
            c = previousLetter ? lower(c) : upper(c);
            previousLetter = isLetter(c);
        }
        return Value(out);
    }
    if (name == "capitalize") {
        std::string out = text;
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = i ? lower(out[i]) : upper(out[i]);
        return Value(out);
    }
    if (name == "split" || name == "rsplit") {
        const std::int64_t maxSplit = argument(arguments, 1, "maxsplit", -1).asInt();
        if (name == "rsplit" && maxSplit >= 0)
            throw EvaluationError("rsplit with maxsplit is not supported");
        return split(text, argument(arguments, 0, "sep"), maxSplit);
    }
    if (name == "startswith" || name == "endswith")
        return Value(affixMatches(text, argument(arguments, 0, name == "startswith" ? "prefix" : "suffix"), name == "startswith"));
    if (name == "replace") {
        const Value count = argument(arguments, 2, "count", -1);
        return Value(replace(text, argument(arguments, 0, "old").str(), argument(arguments, 1, "new").str(),
                             count.isNumber() ? count.asInt() : -1));
    }
    if (name == "find") {
        const std::size_t found = text.find(argument(arguments, 0, "sub").str());
        return Value(found == std::string::npos ? std::int64_t(-1) : static_cast<std::int64_t>(characters(text.substr(0, found)).size()));
    }
    if (name == "count") {
        const std::string needle = argument(arguments, 0, "sub").str();
        if (needle.empty())
            return Value(static_cast<std::int64_t>(characters(text).size() + 1));
        std::int64_t count = 0;
        for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size()))
            ++count;
        return Value(count);
    }
    if (name == "join") {
        std::string out;
        const Value items = argument(arguments, 0, "iterable");
        if (!items.isList())
            throw EvaluationError("join needs a list");
        for (std::size_t i = 0; i < items.list().size(); ++i)
            out += (i ? text : std::string()) + items.list()[i].str();
        return Value(out);
    }
    if (name == "format")
        return Value(format(text, arguments));
    throw EvaluationError("unsupported str method '" + std::string(name) + "'");
}

} // namespace glassbox::chat
