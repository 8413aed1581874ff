#pragma once

#include <string_view>

namespace glassbox::sampling
{

// Why a generation ended.
enum class FinishReason {
    EndOfSequence, // the model produced an end token (eos / eot)
    StopString, // the text reached one of the stop strings
    Length, // the token budget ran out
    Cancelled, // the user stopped it
    ContextFull, // no room left in the context window
};

std::string_view finishReasonName(FinishReason reason);

} // namespace glassbox::sampling
