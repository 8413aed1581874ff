#include "ShaderLibrary.h"

#include "util/Error.h"

#include <algorithm>
#include <string>

namespace glassbox::vulkan
{

namespace
{

const EmbeddedShader *find(std::string_view name)
{
    const auto shaders = ShaderLibrary::all();
    const auto it = std::lower_bound(shaders.begin(), shaders.end(), name, [](const EmbeddedShader &shader, std::string_view key) {
        return shader.name < key;
    });
    return it != shaders.end() && it->name == name ? &*it : nullptr;
}

} // namespace

bool ShaderLibrary::contains(std::string_view name)
{
    return find(name) != nullptr;
}

std::span<const std::uint32_t> ShaderLibrary::spirv(std::string_view name)
{
    if (const EmbeddedShader *shader = find(name))
        return shader->spirv;
    throw Error("No embedded shader named '" + std::string(name) + "'");
}

} // namespace glassbox::vulkan
