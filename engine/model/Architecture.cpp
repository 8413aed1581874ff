#include "Architecture.h"

#include "util/Error.h"

#include <array>
#include <string>

namespace glassbox::model
{

namespace
{

// Facts from llama.cpp's llama-model.cpp (hyper-parameters, rope type) and src/models/*.cpp (graphs).
constexpr std::array kArchitectures = {
    ArchitectureTraits{.name = "llama"},
    ArchitectureTraits{.name = "qwen2", .neoxRope = true, .qkvBias = true},
    ArchitectureTraits{.name = "phi3", .neoxRope = true, .fusedQkv = true, .fusedGateUp = true},
    ArchitectureTraits{.name = "gemma", .neoxRope = true, .scaleEmbedding = true, .scaleQuery = true, .activation = Activation::GeGlu},
    ArchitectureTraits{.name = "gemma2",
                       .neoxRope = true,
                       .scaleEmbedding = true,
                       .postNorms = true,
                       .scaleQuery = true,
                       .activation = Activation::GeGlu,
                       .slidingPattern = 2,
                       .defaultSlidingWindow = 4096,
                       .defaultAttnSoftcap = 50.0f,
                       .defaultFinalSoftcap = 30.0f},
    ArchitectureTraits{.name = "gemma3",
                       .neoxRope = true,
                       .scaleEmbedding = true,
                       .headNorms = true,
                       .postNorms = true,
                       .scaleQuery = true,
                       .activation = Activation::GeGlu,
                       .slidingPattern = 6,
                       .localRopeBase = 10000.0f},
    ArchitectureTraits{.name = "bert", .encoder = true, .activation = Activation::Gelu},
};

} // namespace

const ArchitectureTraits &architectureTraits(std::string_view name)
{
    for (const ArchitectureTraits &traits : kArchitectures)
        if (traits.name == name)
            return traits;
    std::string known;
    for (const ArchitectureTraits &traits : kArchitectures)
        known += (known.empty() ? "" : ", ") + std::string(traits.name);
    throw Error("unsupported architecture '" + std::string(name) + "' (supported: " + known + ")");
}

} // namespace glassbox::model
