#include "FmaProbe.h"

#include "Buffer.h"
#include "CommandSequence.h"
#include "ComputePipeline.h"
#include "Transfer.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace glassbox::vulkan
{

FmaProbeResult probeFma(VulkanContext &context)
{
    constexpr std::size_t kCases = 1024;
    constexpr std::uint32_t kWorkgroup = 64; // fma_probe.comp's local_size_x
    std::vector<std::array<float, 4>> operands;
    operands.reserve(kCases);
    // (1 + 2^-23)^2 - (1 + 2^-22) is 2^-46 fused and 0 otherwise.
    const float justAboveOne = std::nextafter(1.0f, 2.0f);
    operands.push_back({justAboveOne, justAboveOne, -(1.0f + 0x1p-22f), 0.0f});
    std::mt19937 random(20261201);
    std::uniform_real_distribution<float> mantissa(1.0f, 2.0f);
    std::uniform_int_distribution<int> exponent(-20, 20);
    const auto operand = [&] {
        return std::ldexp(random() % 2 ? mantissa(random) : -mantissa(random), exponent(random));
    };
    while (operands.size() < kCases) {
        const float a = operand(), b = operand();
        // Every other case with c of its own, so that plain additions are checked too.
        const float c = operands.size() % 2 ? -(a * b) : operand();
        operands.push_back({a, b, c, 0.0f});
    }

    Buffer input(context, operands.size() * sizeof(operands[0]), MemoryUsage::Device);
    Buffer output(context, operands.size() * sizeof(float), MemoryUsage::Device);
    upload(context, input, std::as_bytes(std::span(operands)));
    const ComputePipeline pipeline(context, "fma_probe");
    const std::array<BufferRange, 2> bindings{input.whole(), output.whole()};
    const auto count = static_cast<std::uint32_t>(operands.size());
    CommandSequence sequence(context);
    sequence.dispatch(pipeline, bindings, count, {(count + kWorkgroup - 1) / kWorkgroup, 1, 1});
    sequence.run();
    std::vector<float> results(operands.size());
    download(context, output, std::as_writable_bytes(std::span(results)));

    FmaProbeResult result{.cases = operands.size()};
    for (std::size_t i = 0; i < operands.size(); ++i) {
        const auto [a, b, c, unused] = operands[i];
        if (std::bit_cast<std::uint32_t>(results[i]) != std::bit_cast<std::uint32_t>(std::fma(a, b, c)))
            ++result.roundedTwice;
    }
    return result;
}

} // namespace glassbox::vulkan
