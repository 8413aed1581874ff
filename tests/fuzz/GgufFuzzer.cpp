#include "gguf/GgufFile.h"
#include "model/ModelInfo.h"
#include "util/Error.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace glassbox;

// Any input must either parse or throw glassbox::Error; a crash, sanitizer report, hang or huge
// allocation is a bug. A file that parses is also described, as `glassbox-cli inspect` would.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        const auto file = gguf::GgufFile::fromBytes(std::vector<std::uint8_t>(data, data + size), "fuzz.gguf");
        for (const gguf::MetadataEntry &entry : file->metadata())
            entry.value.toDisplayString();
        const model::ModelInfo info = model::ModelInfo::fromGguf(*file);
        info.kvCacheBytes(info.contextLength.value_or(0), 2);
    } catch (const Error &) {
    }
    return 0;
}
