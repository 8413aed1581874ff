#pragma once

#include "Args.h"

namespace glassbox::cli {

// One function per subcommand; each returns the process exit code.
int attentionCommand(Args &args);
int benchCommand(Args &args);
int chatTemplateCommand(Args &args);
int devicesCommand(Args &args);
int generateCommand(Args &args);
int inspectCommand(Args &args);
int logitsCommand(Args &args);
int perplexityCommand(Args &args);
int quantizeCommand(Args &args);
int tokenizeCommand(Args &args);

} // namespace glassbox::cli
