#pragma once

#include "Args.h"

namespace glassbox::cli {

// One function per subcommand; each returns the process exit code.
int inspectCommand(Args &args);
int tokenizeCommand(Args &args);

} // namespace glassbox::cli
