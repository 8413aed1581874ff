#pragma once

#include "Args.h"

#include "compute/BackendFactory.h"

namespace glassbox::cli
{

// The options of the commands that run a model: --backend cpu|vulkan (default cpu), --threads N
// (CPU), --device N (Vulkan; see `glassbox-cli devices`).
compute::BackendOptions backendOptions(Args &args);

} // namespace glassbox::cli
