#include "VulkanError.h"

#include "util/Error.h"

#include <string>

namespace glassbox::vulkan
{

std::string_view resultName(VkResult result)
{
    switch (result) {
#define GLASSBOX_VK_RESULT(name)                                                                                                                               \
    case name:                                                                                                                                                 \
        return #name;
        GLASSBOX_VK_RESULT(VK_SUCCESS)
        GLASSBOX_VK_RESULT(VK_NOT_READY)
        GLASSBOX_VK_RESULT(VK_TIMEOUT)
        GLASSBOX_VK_RESULT(VK_EVENT_SET)
        GLASSBOX_VK_RESULT(VK_EVENT_RESET)
        GLASSBOX_VK_RESULT(VK_INCOMPLETE)
        GLASSBOX_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
        GLASSBOX_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        GLASSBOX_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
        GLASSBOX_VK_RESULT(VK_ERROR_DEVICE_LOST)
        GLASSBOX_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
        GLASSBOX_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
        GLASSBOX_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
        GLASSBOX_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
        GLASSBOX_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
        GLASSBOX_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
        GLASSBOX_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
        GLASSBOX_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
        GLASSBOX_VK_RESULT(VK_ERROR_UNKNOWN)
        GLASSBOX_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
        GLASSBOX_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        GLASSBOX_VK_RESULT(VK_ERROR_FRAGMENTATION)
        GLASSBOX_VK_RESULT(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        GLASSBOX_VK_RESULT(VK_PIPELINE_COMPILE_REQUIRED)
#undef GLASSBOX_VK_RESULT
    default:
        return "unknown VkResult";
    }
}

void check(VkResult result, std::string_view what)
{
    if (result == VK_SUCCESS)
        return;
    std::string message(what);
    message += " failed: ";
    message += resultName(result);
    if (message.ends_with("unknown VkResult"))
        message += " " + std::to_string(static_cast<int>(result));
    if (result == VK_ERROR_DEVICE_LOST)
        message += " (the GPU driver reset or crashed; load the model again)";
    else if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY)
        message += " (not enough GPU memory; try a smaller model or context)";
    throw Error(message);
}

} // namespace glassbox::vulkan
