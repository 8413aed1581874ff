#include "Commands.h"

#include "compute/vulkan/VulkanContext.h"
#include "compute/vulkan/VulkanInstance.h"
#include "util/Error.h"
#include "util/Json.h"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace glassbox::cli
{

namespace
{

using vulkan::DeviceInfo;

std::string bytes(std::uint64_t size)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(size);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return text;
}

const char *yesNo(bool flag)
{
    return flag ? "yes" : "no";
}

std::string size3(const std::array<std::uint32_t, 3> &size)
{
    return std::to_string(size[0]) + " x " + std::to_string(size[1]) + " x " + std::to_string(size[2]);
}

void printText(const DeviceInfo &device, std::size_t index, bool chosen)
{
    std::cout << index << ": " << device.name << " (" << vulkan::deviceTypeName(device.type) << ")" << (chosen ? "  [default]" : "")
              << (vulkan::VulkanContext::usable(device) ? "" : "  [unusable]") << '\n';
    std::cout << "   driver:               " << (device.driverName.empty() ? "?" : device.driverName)
              << (device.driverInfo.empty() ? "" : " (" + device.driverInfo + ")") << '\n';
    std::cout << "   Vulkan:               " << vulkan::versionString(device.apiVersion) << '\n';
    for (std::size_t i = 0; i < device.memoryHeaps.size(); ++i)
        std::cout << "   memory heap " << i << ":        " << bytes(device.memoryHeaps[i].size) << (device.memoryHeaps[i].deviceLocal ? " (device-local)" : "")
                  << '\n';
    std::cout << "   subgroup size:        " << device.subgroupSize << " (" << device.minSubgroupSize << ".." << device.maxSubgroupSize << "), arithmetic "
              << yesNo(device.subgroupArithmetic) << '\n';
    std::cout << "   fp16 / int8 / fp64:   " << yesNo(device.float16Arithmetic) << " / " << yesNo(device.int8Arithmetic) << " / " << yesNo(device.float64Arithmetic)
              << '\n';
    std::cout << "   16 / 8-bit storage:   " << yesNo(device.storageBuffer16Bit) << " / " << yesNo(device.storageBuffer8Bit) << '\n';
    std::cout << "   integer dot product:  " << yesNo(device.integerDotProduct) << (device.integerDotProduct4x8Accelerated ? " (4x8 accelerated)" : "") << '\n';
    std::cout << "   cooperative matrix:   " << (device.cooperativeMatrixKhr ? "KHR" : device.cooperativeMatrixNv ? "NV" : "no") << '\n';
    std::cout << "   max storage range:    " << bytes(device.maxStorageBufferRange) << ", max allocation " << bytes(device.maxMemoryAllocationSize) << '\n';
    std::cout << "   max shared memory:    " << bytes(device.maxComputeSharedMemorySize) << '\n';
    std::cout << "   max workgroup:        " << size3(device.maxComputeWorkGroupSize) << ", " << device.maxComputeWorkGroupInvocations << " invocations\n";
}

void writeJson(JsonWriter &json, const DeviceInfo &device, std::size_t index, bool chosen)
{
    json.beginObject();
    json.key("index").value(static_cast<std::uint64_t>(index));
    json.key("name").value(device.name);
    json.key("type").value(vulkan::deviceTypeName(device.type));
    json.key("default").value(chosen);
    json.key("usable").value(vulkan::VulkanContext::usable(device));
    json.key("vendorId").value(device.vendorId);
    json.key("deviceId").value(device.deviceId);
    json.key("apiVersion").value(vulkan::versionString(device.apiVersion));
    json.key("driverName").value(device.driverName);
    json.key("driverInfo").value(device.driverInfo);
    json.key("memoryHeaps").beginArray();
    for (const vulkan::MemoryHeap &heap : device.memoryHeaps)
        json.beginObject().key("size").value(heap.size).key("deviceLocal").value(heap.deviceLocal).endObject();
    json.endArray();
    json.key("subgroupSize").value(device.subgroupSize);
    json.key("minSubgroupSize").value(device.minSubgroupSize);
    json.key("maxSubgroupSize").value(device.maxSubgroupSize);
    json.key("subgroupArithmetic").value(device.subgroupArithmetic);
    json.key("float16Arithmetic").value(device.float16Arithmetic);
    json.key("int8Arithmetic").value(device.int8Arithmetic);
    json.key("float64Arithmetic").value(device.float64Arithmetic);
    json.key("storageBuffer16Bit").value(device.storageBuffer16Bit);
    json.key("storageBuffer8Bit").value(device.storageBuffer8Bit);
    json.key("integerDotProduct").value(device.integerDotProduct);
    json.key("integerDotProduct4x8Accelerated").value(device.integerDotProduct4x8Accelerated);
    json.key("cooperativeMatrixKhr").value(device.cooperativeMatrixKhr);
    json.key("cooperativeMatrixNv").value(device.cooperativeMatrixNv);
    json.key("maxStorageBufferRange").value(device.maxStorageBufferRange);
    json.key("maxMemoryAllocationSize").value(device.maxMemoryAllocationSize);
    json.key("maxComputeSharedMemorySize").value(device.maxComputeSharedMemorySize);
    json.key("maxComputeWorkGroupSize").beginArray();
    for (std::uint32_t size : device.maxComputeWorkGroupSize)
        json.value(size);
    json.endArray();
    json.key("maxComputeWorkGroupInvocations").value(device.maxComputeWorkGroupInvocations);
    json.endObject();
}

} // namespace

int devicesCommand(Args &args)
{
    const bool asJson = args.flag("--json");
    args.finish();

    const vulkan::VulkanInstance instance;
    const auto &devices = instance.devices();
    std::optional<std::size_t> chosen;
    std::string choiceProblem;
    try {
        chosen = vulkan::VulkanContext::chooseDevice(devices, std::nullopt);
    } catch (const Error &error) {
        choiceProblem = error.what();
    }

    if (asJson) {
        JsonWriter json;
        json.beginObject().key("devices").beginArray();
        for (std::size_t i = 0; i < devices.size(); ++i)
            writeJson(json, devices[i], i, chosen == i);
        json.endArray();
        json.key("error");
        choiceProblem.empty() ? json.null() : json.value(choiceProblem);
        json.endObject();
        std::cout << json.str() << '\n';
        return 0;
    }
    for (std::size_t i = 0; i < devices.size(); ++i)
        printText(devices[i], i, chosen == i);
    if (!choiceProblem.empty())
        std::cerr << "warning: " << choiceProblem << '\n';
    return 0;
}

} // namespace glassbox::cli
