#pragma once

#include "EngineWorker.h"

#include <QMetaObject>
#include <QThread>

namespace glassbox::app
{

// The thread the EngineWorker lives in. post() queues a call to run there; the worker's signals
// reach objects of the UI thread queued on their own.
class EngineThread
{
public:
    EngineThread();
    // Waits for the call in progress (its caller must have requested its stop) and then frees the model.
    ~EngineThread();
    EngineThread(const EngineThread &) = delete;
    EngineThread &operator=(const EngineThread &) = delete;

    EngineWorker *worker() const
    {
        return m_worker;
    }

    template<typename Call>
    void post(Call call)
    {
        QMetaObject::invokeMethod(m_worker, std::move(call), Qt::QueuedConnection);
    }

    // The nice value of the engine's threads on Linux.
    static constexpr int kEngineNice = 10;

private:
    QThread m_thread;
    EngineWorker *m_worker;
};

} // namespace glassbox::app
