#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace glassbox::vulkan
{

// StorageTexelBuffer: a `uimageBuffer` (r32ui or rgba32ui), bound as a view of a buffer range.
enum class DescriptorKind { StorageBuffer, UniformBuffer, StorageTexelBuffer };

struct DescriptorBinding {
    std::uint32_t set = 0;
    std::uint32_t binding = 0;
    DescriptorKind kind = DescriptorKind::StorageBuffer;
    std::string name; // the block's instance or type name, for messages
    bool readOnly = false; // declared readonly: the shader never writes it
    bool writeOnly = false;
    std::uint32_t texelBytes = 0; // StorageTexelBuffer: bytes per texel, 4 (r32ui) or 16 (rgba32ui)
};

struct SpecializationConstantInfo {
    std::uint32_t id = 0;
    std::string name;
    std::uint32_t defaultValue = 0; // the raw 32 bits of the default
};

// What a compute shader expects, read from its SPIR-V with SPIRV-Cross: ComputePipeline builds its
// layouts from this, and dispatches check their arguments against it.
struct ShaderReflection {
    std::vector<DescriptorBinding> bindings; // sorted by set, then binding
    std::uint32_t pushConstantSize = 0;
    std::array<std::uint32_t, 3> localSize{1, 1, 1}; // with the specialization constants' defaults
    // The specialization constant id behind each local size dimension, if it has one.
    std::array<std::optional<std::uint32_t>, 3> localSizeIds;
    std::vector<SpecializationConstantInfo> specializationConstants; // sorted by id

    // Throws glassbox::Error for SPIR-V that SPIRV-Cross rejects or that is not a compute shader.
    static ShaderReflection reflect(std::span<const std::uint32_t> spirv);
};

} // namespace glassbox::vulkan
