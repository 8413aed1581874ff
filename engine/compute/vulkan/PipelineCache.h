#pragma once

#include <vulkan/vulkan.h>

#include <filesystem>

namespace glassbox::vulkan
{

struct DeviceInfo;

// A VkPipelineCache kept in a file of the user's cache folder, so compiled pipelines survive
// restarts (the driver checks the header against the device and driver, and ignores a foreign or
// stale file). Saving is best effort: a full or read-only disk only costs the next start time.
class PipelineCache
{
public:
    // An empty path keeps the cache in memory only.
    PipelineCache(VkDevice device, std::filesystem::path file);
    ~PipelineCache();
    PipelineCache(const PipelineCache &) = delete;
    PipelineCache &operator=(const PipelineCache &) = delete;

    VkPipelineCache handle() const
    {
        return m_cache;
    }
    // Writes the cache to its file (atomically: a temporary file renamed over it).
    void save() const;

    // $GLASSBOX_CACHE_DIR, else $XDG_CACHE_HOME/glassbox, else ~/.cache/glassbox; a file per device
    // and driver version. Empty when none of those is set.
    static std::filesystem::path defaultFile(const DeviceInfo &device);

private:
    VkDevice m_device;
    std::filesystem::path m_file;
    VkPipelineCache m_cache = VK_NULL_HANDLE;
};

} // namespace glassbox::vulkan
