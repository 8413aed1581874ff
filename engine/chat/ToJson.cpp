#include "Builtins.h"

#include <cstdio>

namespace glassbox::chat {

namespace {

void appendString(std::string &out, const std::string &text)
{
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                out += escaped;
            } else {
                out += c; // ensure_ascii=False: UTF-8 passes through
            }
        }
    }
    out += '"';
}

void appendJson(std::string &out, const Value &value, int indent, int depth)
{
    // With an indent Python puts each item on its own line and drops the space after ','.
    auto newline = [&](int level) {
        if (indent >= 0)
            out += '\n' + std::string(static_cast<std::size_t>(indent * level), ' ');
    };
    const char *separator = indent >= 0 ? "," : ", ";
    switch (value.kind()) {
    case Value::Kind::None:
        out += "null";
        return;
    case Value::Kind::Bool:
        out += value.asBool() ? "true" : "false";
        return;
    case Value::Kind::Int:
        out += std::to_string(value.asInt());
        return;
    case Value::Kind::Float: {
        const std::string text = formatFloat(value.asFloat());
        out += text == "nan" ? "NaN" : text == "inf" ? "Infinity" : text == "-inf" ? "-Infinity" : text;
        return;
    }
    case Value::Kind::String:
        appendString(out, value.asString());
        return;
    case Value::Kind::List: {
        if (value.list().empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < value.list().size(); ++i) {
            if (i)
                out += separator;
            newline(depth + 1);
            appendJson(out, value.list()[i], indent, depth + 1);
        }
        newline(depth);
        out += ']';
        return;
    }
    case Value::Kind::Dict: {
        if (value.dict().empty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (std::size_t i = 0; i < value.dict().size(); ++i) {
            if (i)
                out += separator;
            newline(depth + 1);
            appendString(out, value.dict()[i].first);
            out += ": ";
            appendJson(out, value.dict()[i].second, indent, depth + 1);
        }
        newline(depth);
        out += '}';
        return;
    }
    default:
        throw EvaluationError("tojson: object of type " + value.typeName() + " is not JSON serializable");
    }
}

} // namespace

std::string toJson(const Value &value, int indent)
{
    std::string out;
    appendJson(out, value, indent, 0);
    return out;
}

} // namespace glassbox::chat
