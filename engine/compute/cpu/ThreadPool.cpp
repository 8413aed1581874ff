#include "ThreadPool.h"

#include <algorithm>
#include <chrono>

namespace glassbox::compute
{

namespace
{

// About the gap between two jobs of one token's forward pass; after that a waiting thread sleeps.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void pause()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Returns once value != old: spinning first, then sleeping in the kernel (atomic wait).
void awaitChange(const std::atomic<std::uint32_t> &value, std::uint32_t old)
{
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (unsigned i = 1;; ++i) {
        if (value.load(std::memory_order_acquire) != old)
            return;
        pause();
        if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline)
            break;
    }
    while (value.load(std::memory_order_acquire) == old)
        value.wait(old, std::memory_order_acquire);
}

} // namespace

ThreadPool::ThreadPool(unsigned threadCount)
{
    if (threadCount == 0)
        threadCount = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threadCount; ++i)
        m_workers.emplace_back([this] {
            workerLoop();
        });
}

ThreadPool::~ThreadPool()
{
    m_stopping.store(true, std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void ThreadPool::run(std::size_t count, std::size_t minChunk, void *body, Call call)
{
    if (count == 0)
        return;
    // A few chunks per thread, taken first come first served: a thread that another process slows
    // down leaves its share to the others.
    const std::size_t threads = threadCount();
    const std::size_t chunk = std::max(std::max<std::size_t>(minChunk, 1), (count + 4 * threads - 1) / (4 * threads));
    if (m_workers.empty() || chunk >= count) {
        call(body, 0, count);
        return;
    }
    const auto chunks = static_cast<std::uint32_t>((count + chunk - 1) / chunk); // at most 4 * threads
    m_body = body;
    m_call = call;
    m_count = count;
    m_chunk = chunk;
    m_finished.store(0, std::memory_order_relaxed);
    const std::uint32_t generation = m_generation.load(std::memory_order_relaxed) + 1;
    m_claims.store(std::uint64_t(generation) << 32 | std::uint64_t(chunks) << 16, std::memory_order_release);
    m_generation.store(generation, std::memory_order_release);
    m_generation.notify_all();
    takeChunks(generation);
    for (std::uint32_t finished; (finished = m_finished.load(std::memory_order_acquire)) != chunks;)
        awaitChange(m_finished, finished);
}

void ThreadPool::takeChunks(std::uint32_t generation)
{
    std::uint64_t claims = m_claims.load(std::memory_order_acquire);
    for (;;) {
        const auto chunks = static_cast<std::uint32_t>(claims >> 16 & 0xffff);
        const auto next = static_cast<std::uint32_t>(claims & 0xffff);
        if (claims >> 32 != generation || next >= chunks)
            return;
        if (!m_claims.compare_exchange_weak(claims, claims + 1, std::memory_order_acq_rel, std::memory_order_acquire))
            continue;
        const std::size_t begin = next * m_chunk;
        m_call(m_body, begin, std::min(m_count, begin + m_chunk));
        if (m_finished.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks)
            m_finished.notify_one();
        claims = m_claims.load(std::memory_order_acquire);
    }
}

void ThreadPool::workerLoop()
{
    std::uint32_t seen = 0;
    for (;;) {
        awaitChange(m_generation, seen);
        seen = m_generation.load(std::memory_order_acquire);
        if (m_stopping.load(std::memory_order_relaxed))
            return;
        takeChunks(seen);
    }
}

} // namespace glassbox::compute
