#include "MemoryBandwidth.h"

#include "gguf/GgufFile.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <thread>
#include <vector>

namespace glassbox::cli
{

namespace
{

constexpr std::size_t kBufferBytes = std::size_t(512) << 20;
constexpr int kPasses = 7;

// Four independent sums, so the loop is bound by loads rather than by one addition chain.
std::uint64_t sumWords(const std::uint64_t *words, std::size_t count)
{
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    for (std::size_t i = 0; i + 3 < count; i += 4) {
        a += words[i];
        b += words[i + 1];
        c += words[i + 2];
        d += words[i + 3];
    }
    return a + b + c + d;
}

} // namespace

double measureReadBandwidth(unsigned threads)
{
    threads = std::max(1u, threads);
    const std::size_t words = kBufferBytes / sizeof(std::uint64_t);
    std::vector<std::uint64_t> buffer(words);
    std::iota(buffer.begin(), buffer.end(), std::uint64_t(1));
    const std::size_t share = words / threads / 4 * 4;
    std::vector<std::uint64_t> sums(threads);
    std::vector<double> rates;
    for (int pass = 0; pass < kPasses; ++pass) {
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (unsigned t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                sums[t] = sumWords(buffer.data() + t * share, share);
            });
        for (std::thread &worker : workers)
            worker.join();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rates.push_back(double(share * threads * sizeof(std::uint64_t)) / seconds);
    }
    // The sums must look used, or the reads could be optimised away.
    if (std::accumulate(sums.begin(), sums.end(), std::uint64_t(0)) == 0)
        return 0.0;
    std::nth_element(rates.begin(), rates.begin() + kPasses / 2, rates.end());
    return rates[kPasses / 2];
}

std::uint64_t weightBytesPerToken(const gguf::GgufFile &file)
{
    const bool separateHead = file.findTensor("output.weight") != nullptr;
    std::uint64_t bytes = 0;
    for (const gguf::TensorInfo &tensor : file.tensors()) {
        if (separateHead && tensor.name == "token_embd.weight")
            bytes += tensor.rowCount() ? tensor.byteSize / tensor.rowCount() : 0;
        else
            bytes += tensor.byteSize;
    }
    return bytes;
}

} // namespace glassbox::cli
