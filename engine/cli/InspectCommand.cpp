#include "Commands.h"

#include "util/Error.h"

namespace glassbox::cli {

int inspectCommand(Args &)
{
    throw Error("TODO");
}

} // namespace glassbox::cli
