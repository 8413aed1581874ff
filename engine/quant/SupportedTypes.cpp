#include "SupportedTypes.h"

#include "util/Error.h"

#include <string>

namespace glassbox::quant {

using gguf::TensorType;

bool isSupportedWeightType(TensorType type)
{
    switch (type) {
    case TensorType::F32:
    case TensorType::F16:
    case TensorType::BF16:
    case TensorType::Q8_0:
    case TensorType::Q4_0:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::Q2_K:
    case TensorType::Q3_K:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K:
        return true;
    default:
        return false;
    }
}

void requireSupported(TensorType type, std::string_view tensorName)
{
    if (!isSupportedWeightType(type)) {
        throw Error("unsupported tensor type " + std::string(gguf::tensorTypeName(type)) + " in tensor '" + std::string(tensorName)
                    + "' (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)");
    }
}

std::size_t rowBytes(TensorType type, std::int64_t elements)
{
    const auto traits = gguf::tensorTypeTraits(static_cast<std::uint32_t>(type));
    if (!traits || !isSupportedWeightType(type))
        throw Error("unsupported tensor type " + std::string(gguf::tensorTypeName(type)));
    if (elements < 0 || elements % traits->blockElements != 0) {
        throw Error(std::to_string(elements) + " elements are not a whole number of " + std::string(traits->name) + " blocks of "
                    + std::to_string(traits->blockElements));
    }
    return std::size_t(elements / traits->blockElements) * traits->blockBytes;
}

} // namespace glassbox::quant
