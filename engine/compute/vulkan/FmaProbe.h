#pragma once

#include <cstddef>

namespace glassbox::vulkan
{

class VulkanContext;

// What fma() on floats does on a device. Vulkan lets it be a rounded product plus an addition
// (lavapipe's is); the shaders that must round as the CPU's FMAs do can use it only where it rounds
// once, and GPUs then spare themselves the emulation (double, or ggml_float.glsl's float code).
struct FmaProbeResult {
    std::size_t cases = 0;
    std::size_t roundedTwice = 0; // results that differ from std::fma's
    bool fused() const
    {
        return cases > 0 && roundedTwice == 0;
    }
};

// Runs fma_probe.comp on operands chosen so that a product rounded before the addition shows:
// c cancels most of a · b, leaving the product's rounding error. Throws glassbox::Error if the
// device fails.
FmaProbeResult probeFma(VulkanContext &context);

} // namespace glassbox::vulkan
