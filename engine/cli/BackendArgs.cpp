#include "BackendArgs.h"

#include "util/Error.h"

#include <algorithm>

namespace glassbox::cli
{

compute::BackendOptions backendOptions(Args &args)
{
    compute::BackendOptions options;
    options.name = args.option("--backend").value_or("cpu");
    options.threads = static_cast<unsigned>(std::max(0LL, args.integer("--threads", 0)));
    const long long device = args.integer("--device", -1);
    if (device >= 0)
        options.device = static_cast<std::size_t>(device);
    if (options.name != "cpu" && options.name != "vulkan")
        throw Error("unknown backend '" + options.name + "' (available: cpu, vulkan)");
    return options;
}

} // namespace glassbox::cli
