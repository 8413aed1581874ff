#pragma once

#include "Ast.h"

#include <string_view>

namespace glassbox::chat {

// Parses a chat template into statements. Anything outside the supported Jinja subset (an unknown
// tag, filter or test, chained comparisons, *args) throws glassbox::Error naming the construct and
// where it is, so a template is rejected up front rather than half rendered.
Body parseTemplate(std::string_view source);

} // namespace glassbox::chat
