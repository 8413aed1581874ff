#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <vector>

namespace glassbox::compute
{

// A fixed set of worker threads that split a range of indices between them. The caller's thread
// takes part too, so a pool of one thread runs everything inline. A forward pass dispatches a few
// hundred jobs per token, so between jobs the workers spin for a moment before they sleep.
class ThreadPool
{
public:
    // threadCount 0 means one thread per hardware thread.
    explicit ThreadPool(unsigned threadCount = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    unsigned threadCount() const
    {
        return static_cast<unsigned>(m_workers.size()) + 1;
    }

    // Calls body(begin, end) on disjoint chunks covering [0, count) and returns when all are done.
    // Chunks hold at least minChunk indices, so tiny jobs are not spread thin.
    template<typename Body>
    void parallelFor(std::size_t count, std::size_t minChunk, Body &&body)
    {
        using Callable = std::remove_reference_t<Body>;
        run(count, minChunk, const_cast<void *>(static_cast<const void *>(&body)), [](void *callable, std::size_t begin, std::size_t end) {
            (*static_cast<Callable *>(callable))(begin, end);
        });
    }

private:
    using Call = void (*)(void *, std::size_t, std::size_t);

    void run(std::size_t count, std::size_t minChunk, void *body, Call call);
    void workerLoop();
    // Runs chunks of job `generation` until none is left (or a newer job has started).
    void takeChunks(std::uint32_t generation);

    std::vector<std::thread> m_workers;
    // The job; written by the caller before it publishes m_claims, read by a thread only after it has
    // claimed one of the job's chunks, so never while being rewritten.
    void *m_body = nullptr;
    Call m_call = nullptr;
    std::size_t m_count = 0;
    std::size_t m_chunk = 0;
    // generation << 32 | chunk count << 16 | next unclaimed chunk, claimed by compare-and-swap: a
    // thread that wakes after its job is over finds a newer generation or no chunk left, and the
    // caller never waits for threads that have nothing to do.
    std::atomic<std::uint64_t> m_claims{0};
    std::atomic<std::uint32_t> m_finished{0}; // chunks of the current job done
    std::atomic<std::uint32_t> m_generation{0}; // what idle workers wait on
    std::atomic<bool> m_stopping{false};
};

} // namespace glassbox::compute
