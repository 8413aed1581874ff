// Vulkan matmul speed: decode (one x row; weight bytes streamed per second) and prefill (many x rows;
// multiply-adds per second) for the common weight types on SmolLM2- and Gemma-3-like shapes.
// Usage: glassbox-bench-vulkan-matmul [--repeats N] [--tokens T] [--type NAME] [--shape ROWSxCOLS]

#include "compute/vulkan/VulkanBackend.h"
#include "gguf/GgufFile.h"
#include "gguf/TensorType.h"
#include "quant/Quantize.h"
#include "quant/SupportedTypes.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace glassbox;
using gguf::TensorType;

namespace
{

struct Type {
    const char *name;
    TensorType type;
};

const Type kTypes[] = {
    {"Q4_0", TensorType::Q4_0}, {"Q4_1", TensorType::Q4_1}, {"Q4_K", TensorType::Q4_K}, {"Q6_K", TensorType::Q6_K},
    {"Q8_0", TensorType::Q8_0}, {"F16", TensorType::F16},   {"F32", TensorType::F32},
};

struct Shape {
    std::size_t rows, cols; // weight rows (outputs) × columns (inputs)
};

const std::vector<Shape> kShapes = {{576, 1536}, {1536, 576}, {640, 2048}, {2048, 640}};

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Seconds per matmul: `repeats` recorded back to back, one submission (as in a forward pass).
double timeMatmul(vulkan::VulkanBackend &backend, const compute::Tensor &weight, const compute::Tensor &x, compute::Tensor &out, int repeats)
{
    backend.matmul(weight, x, out); // pipeline creation and first-touch outside the timing
    backend.flush();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
        backend.matmul(weight, x, out);
    backend.flush();
    return seconds(start) / repeats;
}

} // namespace

int main(int argc, char **argv)
{
    int repeats = 20;
    std::size_t tokens = 64;
    std::string only;
    std::vector<Shape> shapes = kShapes;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--repeats"))
            repeats = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--tokens"))
            tokens = std::stoul(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--type"))
            only = argv[i + 1];
        else if (!std::strcmp(argv[i], "--shape"))
            shapes = {{std::stoul(argv[i + 1]), std::stoul(std::strchr(argv[i + 1], 'x') + 1)}};
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    vulkan::VulkanBackend backend;
    std::printf("device: %s\n", backend.context().info().name.c_str());
    std::printf("%-5s %11s %12s %12s %16s\n", "type", "shape", "decode us", "decode GB/s", "prefill GMAC/s");
    std::mt19937 generator(1);
    std::uniform_real_distribution<float> distribution(-1.0f, 1.0f);
    for (const Type &type : kTypes) {
        if (!only.empty() && only != type.name)
            continue;
        for (const Shape &shape : shapes) {
            std::vector<float> values(shape.rows * shape.cols);
            for (float &value : values)
                value = distribution(generator);
            if (shape.cols % gguf::tensorTypeTraits(std::uint32_t(type.type))->blockElements != 0)
                continue; // llama.cpp stores such tensors in another type
            const std::size_t rowBytes = quant::rowBytes(type.type, std::int64_t(shape.cols));
            std::vector<std::uint8_t> bytes(shape.rows * rowBytes);
            for (std::size_t r = 0; r < shape.rows; ++r)
                quant::quantizeRow(type.type, values.data() + r * shape.cols, bytes.data() + r * rowBytes, std::int64_t(shape.cols));
            gguf::TensorInfo info;
            info.name = "bench.weight";
            info.dims = {shape.cols, shape.rows};
            info.type = type.type;
            info.elementCount = shape.rows * shape.cols;
            info.byteSize = bytes.size();
            info.data = bytes.data();
            const auto weight = backend.weight(info);

            const auto x1 = backend.create(TensorType::F32, 1, shape.cols);
            const auto out1 = backend.create(TensorType::F32, 1, shape.rows);
            backend.write(*x1, 0, 1, values.data());
            const double decode = timeMatmul(backend, *weight, *x1, *out1, repeats);

            std::vector<float> xs(tokens * shape.cols);
            for (float &value : xs)
                value = distribution(generator);
            const auto xn = backend.create(TensorType::F32, tokens, shape.cols);
            const auto outn = backend.create(TensorType::F32, tokens, shape.rows);
            backend.write(*xn, 0, tokens, xs.data());
            const double prefill = timeMatmul(backend, *weight, *xn, *outn, std::max(1, repeats / 10));

            std::printf("%-5s %5zux%-5zu %12.1f %12.2f %16.2f\n",
                        type.name,
                        shape.rows,
                        shape.cols,
                        decode * 1e6,
                        double(bytes.size()) / decode / 1e9,
                        double(shape.rows * shape.cols * tokens) / prefill / 1e9);
        }
    }
    return 0;
}
