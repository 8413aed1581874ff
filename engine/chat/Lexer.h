#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace glassbox::chat {

struct SourcePosition {
    int line = 1;
    int column = 1;
};

// "chat template line L, column C: what" — the prefix of every template error.
std::string describeAt(SourcePosition position, const std::string &what);

struct Token {
    enum class Kind {
        Text,        // literal template text, whitespace control already applied
        OutputBegin, // {{
        OutputEnd,   // }}
        BlockBegin,  // {%
        BlockEnd,    // %}
        Name,
        String,      // `text` holds the unescaped value
        Integer,
        Float,
        Operator,    // punctuation: + - * / // % ** ~ == != < > <= >= = . , : | ( ) [ ] { }
        End,
    };
    Kind kind = Kind::End;
    std::string text;
    SourcePosition position;
};

// Splits a Jinja template into tokens with the settings Hugging Face renders chat templates with:
// trim_blocks (a newline right after a block or comment tag is dropped) and lstrip_blocks (spaces
// and tabs between a line's start and a block or comment tag are dropped), plus the explicit
// `-` and `+` whitespace control on tags, and without keep_trailing_newline. Comments are dropped
// here.
std::vector<Token> tokenize(std::string_view source);

} // namespace glassbox::chat
