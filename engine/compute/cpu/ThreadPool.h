#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace glassbox::compute
{

// A fixed set of worker threads that split a range of indices between them. The caller's thread
// takes part too, so a pool of one thread runs everything inline.
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
    void parallelFor(std::size_t count, std::size_t minChunk, const std::function<void(std::size_t, std::size_t)> &body);

private:
    void workerLoop(unsigned index);
    void runShare(unsigned index);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(std::size_t, std::size_t)> *m_body = nullptr;
    std::size_t m_count = 0;
    std::size_t m_chunk = 0;
    std::size_t m_generation = 0;
    unsigned m_pending = 0;
    bool m_stopping = false;
};

} // namespace glassbox::compute
