#include "Commands.h"

#include "gguf/GgufFile.h"
#include "quant/ModelQuantizer.h"
#include "util/Error.h"

#include <iostream>

namespace glassbox::cli {

int quantizeCommand(Args &args)
{
    const auto input = args.positional();
    const auto output = args.positional();
    const auto typeName = args.positional();
    args.finish();
    if (!input || !output || !typeName)
        throw Error("usage: quantize IN OUT TYPE");
    const auto type = gguf::tensorTypeFromName(*typeName);
    if (!type)
        throw Error("unknown tensor type '" + *typeName + "'; expected one of F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K");

    const gguf::GgufFile file(*input);
    const quant::QuantizeSummary summary = quant::quantizeModel(file, *output, *type);
    std::cout << *output << ": " << summary.quantized << " tensors quantized to " << gguf::tensorTypeName(*type) << ", "
              << summary.kept << " kept as they were; " << summary.outputBytes << " bytes of tensor data\n";
    return 0;
}

} // namespace glassbox::cli
