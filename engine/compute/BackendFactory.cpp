#include "BackendFactory.h"

#include "compute/cpu/CpuBackend.h"
#include "compute/vulkan/VulkanBackend.h"
#include "util/Error.h"

namespace glassbox::compute
{

std::vector<std::string> backendNames()
{
    return {"cpu", "vulkan"};
}

std::unique_ptr<ComputeBackend> createBackend(const BackendOptions &options)
{
    if (options.name == "cpu")
        return std::make_unique<CpuBackend>(options.threads);
    if (options.name == "vulkan")
        return std::make_unique<vulkan::VulkanBackend>(options.device);
    throw Error("unknown backend '" + options.name + "' (available: cpu, vulkan)");
}

} // namespace glassbox::compute
