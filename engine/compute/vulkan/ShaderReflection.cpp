#include "ShaderReflection.h"

#include "util/Error.h"

#include <spirv_cross/spirv_cross.hpp>

#include <algorithm>
#include <tuple>

namespace glassbox::vulkan
{

namespace
{

void addBindings(const spirv_cross::Compiler &compiler,
                 const spirv_cross::SmallVector<spirv_cross::Resource> &resources,
                 DescriptorKind kind,
                 std::vector<DescriptorBinding> &bindings)
{
    for (const spirv_cross::Resource &resource : resources) {
        DescriptorBinding binding;
        binding.set = compiler.get_decoration(resource.id, spv::DecorationDescriptorSet);
        binding.binding = compiler.get_decoration(resource.id, spv::DecorationBinding);
        binding.kind = kind;
        binding.name = resource.name;
        // glslang puts readonly/writeonly on every member of a block, and on the variable of an image.
        const spirv_cross::Bitset flags =
            kind == DescriptorKind::StorageTexelBuffer ? compiler.get_decoration_bitset(resource.id) : compiler.get_buffer_block_flags(resource.id);
        if (kind == DescriptorKind::StorageTexelBuffer) {
            const spirv_cross::SPIRType &type = compiler.get_type(resource.type_id);
            if (type.image.dim != spv::DimBuffer || (type.image.format != spv::ImageFormatR32ui && type.image.format != spv::ImageFormatRgba32ui))
                throw Error("Storage image " + resource.name + " is not an r32ui or rgba32ui texel buffer");
            binding.texelBytes = type.image.format == spv::ImageFormatR32ui ? 4 : 16;
        }
        binding.readOnly = flags.get(spv::DecorationNonWritable);
        binding.writeOnly = flags.get(spv::DecorationNonReadable);
        bindings.push_back(binding);
    }
}

ShaderReflection reflectWith(const spirv_cross::Compiler &compiler)
{
    if (compiler.get_execution_model() != spv::ExecutionModelGLCompute)
        throw Error("Not a compute shader");
    ShaderReflection reflection;
    const spirv_cross::ShaderResources resources = compiler.get_shader_resources();
    if (!resources.sampled_images.empty() || !resources.separate_images.empty())
        throw Error("Compute shaders may only use buffers and storage texel buffers");
    addBindings(compiler, resources.storage_buffers, DescriptorKind::StorageBuffer, reflection.bindings);
    addBindings(compiler, resources.uniform_buffers, DescriptorKind::UniformBuffer, reflection.bindings);
    addBindings(compiler, resources.storage_images, DescriptorKind::StorageTexelBuffer, reflection.bindings);
    std::sort(reflection.bindings.begin(), reflection.bindings.end(), [](const auto &a, const auto &b) {
        return std::tie(a.set, a.binding) < std::tie(b.set, b.binding);
    });

    for (const spirv_cross::Resource &block : resources.push_constant_buffers) {
        const spirv_cross::SPIRType &type = compiler.get_type(block.base_type_id);
        reflection.pushConstantSize = static_cast<std::uint32_t>(compiler.get_declared_struct_size(type));
    }

    for (const spirv_cross::SpecializationConstant &constant : compiler.get_specialization_constants()) {
        const spirv_cross::SPIRConstant &value = compiler.get_constant(constant.id);
        reflection.specializationConstants.push_back({constant.constant_id, compiler.get_name(constant.id), value.scalar()});
    }
    std::sort(reflection.specializationConstants.begin(), reflection.specializationConstants.end(), [](const auto &a, const auto &b) {
        return a.id < b.id;
    });

    std::array<spirv_cross::SpecializationConstant, 3> sizeConstants;
    compiler.get_work_group_size_specialization_constants(sizeConstants[0], sizeConstants[1], sizeConstants[2]);
    for (std::uint32_t axis = 0; axis < 3; ++axis) {
        reflection.localSize[axis] = compiler.get_execution_mode_argument(spv::ExecutionModeLocalSize, axis);
        if (sizeConstants[axis].id) {
            reflection.localSizeIds[axis] = sizeConstants[axis].constant_id;
            reflection.localSize[axis] = compiler.get_constant(sizeConstants[axis].id).scalar();
        }
    }
    return reflection;
}

} // namespace

ShaderReflection ShaderReflection::reflect(std::span<const std::uint32_t> spirv)
{
    try {
        const spirv_cross::Compiler compiler(spirv.data(), spirv.size());
        return reflectWith(compiler);
    } catch (const spirv_cross::CompilerError &error) {
        throw Error(std::string("Invalid SPIR-V: ") + error.what());
    }
}

} // namespace glassbox::vulkan
