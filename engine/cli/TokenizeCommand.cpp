#include "Commands.h"

#include "util/Error.h"

namespace glassbox::cli {

int tokenizeCommand(Args &)
{
    throw Error("TODO");
}

} // namespace glassbox::cli
