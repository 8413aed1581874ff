#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace glassbox {

// A streaming JSON writer for the CLI's machine-readable output. It tracks commas itself, so
// callers only say what goes where.
class JsonWriter
{
public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(std::string_view name);
    JsonWriter &value(std::string_view text);
    JsonWriter &value(const char *text) { return value(std::string_view(text)); }
    JsonWriter &value(const std::string &text) { return value(std::string_view(text)); }
    JsonWriter &value(double number);
    JsonWriter &value(std::int64_t number);
    JsonWriter &value(std::uint64_t number);
    JsonWriter &value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter &value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
    JsonWriter &value(bool flag);
    JsonWriter &null();

    const std::string &str() const { return m_out; }

    // Escapes text as a JSON string literal; invalid UTF-8 bytes become U+FFFD.
    static std::string quote(std::string_view text);

private:
    void separate();

    std::string m_out;
    bool m_needComma = false;
};

} // namespace glassbox
