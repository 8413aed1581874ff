#include "PipelineCache.h"

#include "DeviceInfo.h"
#include "VulkanError.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace glassbox::vulkan
{

namespace
{

std::vector<char> readFile(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return {};
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

PipelineCache::PipelineCache(VkDevice device, std::filesystem::path file)
    : m_device(device)
    , m_file(std::move(file))
{
    const std::vector<char> data = m_file.empty() ? std::vector<char>() : readFile(m_file);
    VkPipelineCacheCreateInfo info{.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    info.initialDataSize = data.size();
    info.pInitialData = data.data();
    if (vkCreatePipelineCache(m_device, &info, nullptr, &m_cache) != VK_SUCCESS) {
        // A file the driver rejects outright: start empty rather than fail.
        info.initialDataSize = 0;
        info.pInitialData = nullptr;
        check(vkCreatePipelineCache(m_device, &info, nullptr, &m_cache), "Creating a pipeline cache");
    }
}

PipelineCache::~PipelineCache()
{
    save();
    vkDestroyPipelineCache(m_device, m_cache, nullptr);
}

void PipelineCache::save() const
{
    if (m_file.empty())
        return;
    std::size_t size = 0;
    if (vkGetPipelineCacheData(m_device, m_cache, &size, nullptr) != VK_SUCCESS || size == 0)
        return;
    std::vector<char> data(size);
    if (vkGetPipelineCacheData(m_device, m_cache, &size, data.data()) != VK_SUCCESS)
        return;
    std::error_code error;
    std::filesystem::create_directories(m_file.parent_path(), error);
    const std::filesystem::path temporary = m_file.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out.write(data.data(), std::streamsize(size)))
            return;
    }
    std::filesystem::rename(temporary, m_file, error);
}

std::filesystem::path PipelineCache::defaultFile(const DeviceInfo &device)
{
    std::filesystem::path folder;
    if (const char *dir = std::getenv("GLASSBOX_CACHE_DIR"); dir && *dir)
        folder = dir;
    else if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        folder = std::filesystem::path(xdg) / "glassbox";
    else if (const char *home = std::getenv("HOME"); home && *home)
        folder = std::filesystem::path(home) / ".cache" / "glassbox";
    else
        return {};
    char name[96];
    std::snprintf(name, sizeof name, "vulkan-pipelines-%04x-%04x-%08x.bin", device.vendorId, device.deviceId, device.driverVersion);
    return folder / name;
}

} // namespace glassbox::vulkan
