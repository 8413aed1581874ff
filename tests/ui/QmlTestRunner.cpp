// Runs the Qt Quick tests in qml/ against the real app singletons (an AppCore on a temporary data
// folder), with the views loaded from the same qrc:/ui/ resources the app uses.

#include "AppCore.h"

#include <QCoreApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml>
#include <QtQuickTest>

#include <memory>

using namespace glassbox::app;

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        QCoreApplication::setApplicationName(QStringLiteral("glassbox-ui-test"));
        m_core = std::make_unique<AppCore>(m_dataFolder.path());
        // Registered once: each test file gets a fresh engine, and an instance singleton may be used
        // by one engine at a time, which is what the runner does.
        m_core->registerQmlSingletons();
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->rootContext()->setContextProperty(QStringLiteral("testModelPath"), QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf"));
    }

    void cleanupTestCase()
    {
        m_core.reset();
    }

private:
    QTemporaryDir m_dataFolder;
    std::unique_ptr<AppCore> m_core;
};

QUICK_TEST_MAIN_WITH_SETUP(UiQmlTest, Setup)

#include "QmlTestRunner.moc"
