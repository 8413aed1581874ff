#pragma once

// Runs the same op on the CPU reference backend and the Vulkan backend, from the same inputs, so a
// kernel test states only the op and its awkward sizes.

#include "compute/cpu/CpuBackend.h"
#include "compute/vulkan/VulkanBackend.h"
#include "compute/vulkan/VulkanInstance.h"
#include "gguf/GgufFile.h"
#include "quant/Quantize.h"
#include "quant/SupportedTypes.h"
#include "util/Error.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

// In initTestCase: every Vulkan test needs a device; CI must have one (lavapipe), elsewhere it is optional.
#define GLASSBOX_REQUIRE_VULKAN()                                                                                                  \
    do {                                                                                                                           \
        if (!glassbox::test::BackendPair::vulkanAvailable()) {                                                                     \
            if (qEnvironmentVariableIsSet("CI"))                                                                                   \
                QFAIL("no Vulkan device in CI: install mesa-vulkan-drivers (lavapipe)");                                         \
            QSKIP("no Vulkan device: install a driver (Mesa lavapipe works) to run the Vulkan tests");                           \
        }                                                                                                                          \
    } while (false)

namespace glassbox::test
{

// A tensor present on both backends.
struct TensorPair {
    std::unique_ptr<compute::Tensor> cpu;
    std::unique_ptr<compute::Tensor> gpu;
};

// Weight bytes the backends read in place (the CPU keeps pointing at them).
struct WeightData {
    std::vector<std::uint8_t> bytes;
    gguf::TensorInfo info;
};

inline std::vector<float> randomFloats(std::size_t count, std::uint32_t seed, float low = -1.0f, float high = 1.0f)
{
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> distribution(low, high);
    std::vector<float> values(count);
    for (float &value : values)
        value = distribution(generator);
    return values;
}

// Largest |a - b| / max(|b|, floor) over the elements; floor keeps near-zero references from dominating.
inline double maxRelativeError(const std::vector<float> &actual, const std::vector<float> &expected, double floor = 1e-3)
{
    double worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        worst = std::max(worst, std::abs(double(actual[i]) - expected[i]) / std::max(std::abs(double(expected[i])), floor));
    return worst;
}

class BackendPair
{
public:
    // Whether a Vulkan loader and device exist (lavapipe counts); tests QSKIP without one outside CI.
    static bool vulkanAvailable()
    {
        try {
            const vulkan::VulkanInstance instance;
            return !instance.devices().empty();
        } catch (const Error &) {
            return false;
        }
    }

    BackendPair()
        : cpu(1)
    {
    }

    TensorPair create(gguf::TensorType type, std::size_t rows, std::size_t cols)
    {
        return {cpu.create(type, rows, cols), gpu.create(type, rows, cols)};
    }
    // An F32 tensor holding values (rows × cols of them).
    TensorPair input(const std::vector<float> &values, std::size_t rows, std::size_t cols)
    {
        TensorPair pair = create(gguf::TensorType::F32, rows, cols);
        cpu.write(*pair.cpu, 0, rows, values.data());
        gpu.write(*pair.gpu, 0, rows, values.data());
        return pair;
    }
    // A rows × cols weight of `type`, quantized from values the way llama.cpp's tools would.
    static WeightData weightData(gguf::TensorType type, const std::vector<float> &values, std::size_t rows, std::size_t cols)
    {
        WeightData data;
        const std::size_t rowBytes = quant::rowBytes(type, std::int64_t(cols));
        data.bytes.resize(rows * rowBytes);
        for (std::size_t row = 0; row < rows; ++row)
            quant::quantizeRow(type, values.data() + row * cols, data.bytes.data() + row * rowBytes, std::int64_t(cols));
        data.info.name = "test.weight";
        data.info.dims = {cols, rows};
        data.info.type = type;
        data.info.elementCount = rows * cols;
        data.info.byteSize = data.bytes.size();
        data.info.data = data.bytes.data();
        return data;
    }
    TensorPair weight(const WeightData &data)
    {
        return {cpu.weight(data.info), gpu.weight(data.info)};
    }
    // Both results, each read back as floats.
    std::pair<std::vector<float>, std::vector<float>> results(const TensorPair &pair)
    {
        std::vector<float> expected(pair.cpu->rows() * pair.cpu->cols());
        std::vector<float> actual(expected.size());
        cpu.read(*pair.cpu, 0, pair.cpu->rows(), expected.data());
        gpu.read(*pair.gpu, 0, pair.gpu->rows(), actual.data());
        return {actual, expected};
    }

    compute::CpuBackend cpu;
    vulkan::VulkanBackend gpu;
};

} // namespace glassbox::test
