#include "ThreadPool.h"

#include <algorithm>

namespace glassbox::compute
{

ThreadPool::ThreadPool(unsigned threadCount)
{
    if (threadCount == 0)
        threadCount = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threadCount; ++i)
        m_workers.emplace_back([this, i] {
            workerLoop(i);
        });
}

ThreadPool::~ThreadPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void ThreadPool::parallelFor(std::size_t count, std::size_t minChunk, const std::function<void(std::size_t, std::size_t)> &body)
{
    if (count == 0)
        return;
    const std::size_t threads = threadCount();
    const std::size_t chunk = std::max<std::size_t>(std::max<std::size_t>(minChunk, 1), (count + threads - 1) / threads);
    if (m_workers.empty() || chunk >= count) {
        body(0, count);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_body = &body;
        m_count = count;
        m_chunk = chunk;
        m_pending = static_cast<unsigned>(m_workers.size());
        ++m_generation;
    }
    m_wake.notify_all();
    runShare(0);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] {
        return m_pending == 0;
    });
    m_body = nullptr;
}

// Thread `index` takes the chunk of that number (static split: every chunk costs about the same).
void ThreadPool::runShare(unsigned index)
{
    const std::size_t begin = index * m_chunk;
    if (begin < m_count)
        (*m_body)(begin, std::min(m_count, begin + m_chunk));
}

void ThreadPool::workerLoop(unsigned index)
{
    std::size_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] {
                return m_stopping || m_generation != seen;
            });
            if (m_stopping)
                return;
            seen = m_generation;
        }
        runShare(index);
        {
            std::lock_guard lock(m_mutex);
            --m_pending;
        }
        m_done.notify_one();
    }
}

} // namespace glassbox::compute
