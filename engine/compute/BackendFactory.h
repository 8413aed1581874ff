#pragma once

#include "compute/ComputeBackend.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glassbox::compute
{

// Which backend runs a model: "cpu" (threads; 0 = one per hardware thread) or "vulkan" (device
// index; none = GLASSBOX_VK_DEVICE or the preferred device).
struct BackendOptions {
    std::string name = "cpu";
    unsigned threads = 0;
    std::optional<std::size_t> device;
};

std::vector<std::string> backendNames();
// Throws glassbox::Error for an unknown name, or when the Vulkan device cannot be opened.
std::unique_ptr<ComputeBackend> createBackend(const BackendOptions &options);

} // namespace glassbox::compute
