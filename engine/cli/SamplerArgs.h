#pragma once

#include "Args.h"

#include "sampling/SamplerSettings.h"

namespace glassbox::cli
{

// The sampler options of the commands that generate: --temp T (default 0: greedy, so the output is
// reproducible unless asked otherwise), --top-k K, --top-p P, --min-p P, --seed S. Options not given
// keep llama.cpp's defaults (SamplerSettings); the truncation stages only act when T > 0.
sampling::SamplerSettings samplerSettings(Args &args);

} // namespace glassbox::cli
