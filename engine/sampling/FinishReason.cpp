#include "sampling/FinishReason.h"

namespace glassbox::sampling
{

std::string_view finishReasonName(FinishReason reason)
{
    switch (reason) {
    case FinishReason::EndOfSequence:
        return "eos";
    case FinishReason::StopString:
        return "stop";
    case FinishReason::Length:
        return "length";
    case FinishReason::Cancelled:
        return "cancelled";
    case FinishReason::ContextFull:
        return "context full";
    }
    return "unknown";
}

} // namespace glassbox::sampling
