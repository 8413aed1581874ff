#include "EngineThread.h"

#include <algorithm>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace glassbox::app
{

EngineThread::EngineThread()
    : m_worker(new EngineWorker)
{
    m_thread.setObjectName(QStringLiteral("glassbox-engine"));
    m_worker->moveToThread(&m_thread);
    // Generation keeps every core busy; the window must still get its frames in time. Below-normal
    // priority lets the GUI and render threads run as soon as they are ready, and costs generation
    // nothing when they are idle.
    QObject::connect(&m_thread, &QThread::started, [] {
#ifdef Q_OS_LINUX
        // Linux ignores QThread's priority for normal threads, but nice applies per thread, and the
        // compute threads the engine starts from this one (its pool, the Vulkan driver's) inherit it.
        // (Only ever lowered: raising it back needs privileges.)
        const auto self = static_cast<id_t>(gettid());
        setpriority(PRIO_PROCESS, self, std::max(kEngineNice, getpriority(PRIO_PROCESS, self)));
#endif
    });
    m_thread.start(QThread::LowPriority);
}

EngineThread::~EngineThread()
{
    m_thread.quit();
    m_thread.wait();
    // The thread has ended, so nothing else can touch the worker now.
    delete m_worker;
}

} // namespace glassbox::app
