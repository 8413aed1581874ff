#pragma once

#include "Value.h"

#include <string>
#include <string_view>

namespace glassbox::chat {

bool isStringMethod(std::string_view name);
// Python's str methods that chat templates call (strip, split, startswith, replace, ...), and the
// filters built on them. Case mapping covers ASCII letters only.
Value stringMethod(std::string_view name, const std::string &text, const Arguments &arguments);

} // namespace glassbox::chat
