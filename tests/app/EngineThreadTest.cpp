// The engine's thread and the compute threads it starts run below the GUI's priority, so that
// generation does not take frames from the window.

#include "EngineThread.h"

#include <QTest>

#include <atomic>
#include <thread>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

using namespace glassbox::app;

class EngineThreadTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsBelowTheGuiPriority()
    {
#ifndef Q_OS_LINUX
        QSKIP("thread nice values are a Linux notion");
#else
        const int guiNice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
        std::atomic<int> workerNice = -100;
        std::atomic<int> poolNice = -100;
        {
            EngineThread thread;
            thread.post([&] {
                workerNice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
                // As the engine's thread pool and the Vulkan driver start theirs.
                std::thread child([&] {
                    poolNice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
                });
                child.join();
            });
            QTRY_VERIFY(poolNice != -100);
        }
        QCOMPARE(workerNice.load(), std::max(EngineThread::kEngineNice, guiNice));
        QCOMPARE(poolNice.load(), workerNice.load());
        // The GUI thread itself is left as it was.
        QCOMPARE(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), guiNice);
#endif
    }
};

QTEST_GUILESS_MAIN(EngineThreadTest)
#include "EngineThreadTest.moc"
