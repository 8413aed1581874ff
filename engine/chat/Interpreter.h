#pragma once

#include "Ast.h"

#include <string>

namespace glassbox::chat {

// Renders a parsed template with `variables` as its outermost scope. Errors (undefined values used
// as objects, type mismatches, raise_exception) throw glassbox::Error with the template position.
// Scoping follows Jinja: a `set` inside a for loop or macro stays there, which is why templates
// carry state out of loops with namespace().
std::string renderTemplate(const Body &body, const Dict &variables);

} // namespace glassbox::chat
