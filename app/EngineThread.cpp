#include "EngineThread.h"

namespace glassbox::app
{

EngineThread::EngineThread()
    : m_worker(new EngineWorker)
{
    m_thread.setObjectName(QStringLiteral("glassbox-engine"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

EngineThread::~EngineThread()
{
    m_thread.quit();
    m_thread.wait();
    // The thread has ended, so nothing else can touch the worker now.
    delete m_worker;
}

} // namespace glassbox::app
