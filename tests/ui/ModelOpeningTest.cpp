// Opening a model from the real window: a .gguf file dropped onto it loads, anything else is
// refused, and the "Open model" file dialog's choice loads too.

#include "AppWindow.h"

#include <QFileInfo>
#include <QMimeData>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;
using namespace glassbox::app::test;

namespace
{

// Canonical, as the app reports the path of the model it opened.
const QString kModel = QFileInfo(QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf")).canonicalFilePath();
constexpr int kTimeout = 120000; // ms

} // namespace

class ModelOpeningTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dropRefusesOtherFiles();
    void dropLoadsAGgufFile();
    void fileDialogLoadsTheChosenFile();
    void cleanupTestCase();

private:
    // Drags a file in over the middle of the window, as the platform would: whether the window
    // takes the drag, and then whether it takes the drop.
    std::pair<bool, bool> dragAndDrop(const QString &file);
    int dockTab() const;

    QTemporaryDir m_dataFolder;
    std::unique_ptr<AppWindow> m_app;
};

void ModelOpeningTest::initTestCase()
{
    QVERIFY(m_dataFolder.isValid());
    QVERIFY2(QFile::exists(kModel), qPrintable(kModel));
    QCoreApplication::setApplicationName(QStringLiteral("glassbox-model-opening-test"));
    m_app = std::make_unique<AppWindow>(m_dataFolder.path());
    QVERIFY2(m_app->error().isEmpty(), qPrintable(m_app->error()));
    QCOMPARE(m_app->core().models.state(), QStringLiteral("empty"));
}

void ModelOpeningTest::dropRefusesOtherFiles()
{
    const QString notes = m_dataFolder.filePath(QStringLiteral("notes.txt"));
    QFile file(notes);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a model");
    file.close();

    const auto [dragTaken, dropTaken] = dragAndDrop(notes);
    QVERIFY(!dragTaken);
    QVERIFY(!dropTaken);
    QTest::qWait(100);
    QCOMPARE(m_app->core().models.state(), QStringLiteral("empty"));
    QCOMPARE(m_app->core().models.modelPath(), QString());
}

void ModelOpeningTest::dropLoadsAGgufFile()
{
    QVERIFY(QMetaObject::invokeMethod(m_app->root(), "showPanel", Q_ARG(QVariant, QStringLiteral("Sampling"))));
    QCOMPARE(dockTab(), 1);

    const auto [dragTaken, dropTaken] = dragAndDrop(kModel);
    QVERIFY(dragTaken);
    QVERIFY(dropTaken);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->core().models.state(), QStringLiteral("ready"), kTimeout);
    QCOMPARE(m_app->core().models.modelPath(), kModel);
    QCOMPARE(dockTab(), 0); // the model panel is shown, with the card of what was dropped
    QQuickItem *architecture = nullptr;
    QTRY_VERIFY((architecture = m_app->find(QStringLiteral("architecture"))));
    QCOMPARE(architecture->property("text").toString(), QStringLiteral("llama"));
    QQuickItem *input = m_app->find(QStringLiteral("composerInput"));
    QVERIFY(input);
    QTRY_VERIFY(input->isEnabled());
}

void ModelOpeningTest::fileDialogLoadsTheChosenFile()
{
    m_app->core().models.unload();
    QTRY_COMPARE(m_app->core().models.state(), QStringLiteral("empty"));
    QObject *dialog = m_app->findObject(QStringLiteral("modelDialog"));
    QVERIFY(dialog);
    // The file picker itself is the platform's; what the app does is what happens on "Open".
    QVERIFY(dialog->setProperty("selectedFile", QUrl::fromLocalFile(kModel)));
    QVERIFY(QMetaObject::invokeMethod(dialog, "accepted"));
    QTRY_COMPARE_WITH_TIMEOUT(m_app->core().models.state(), QStringLiteral("ready"), kTimeout);
    QCOMPARE(m_app->core().models.modelPath(), kModel);
    QVERIFY(m_app->core().models.recentModels().contains(kModel));
}

void ModelOpeningTest::cleanupTestCase()
{
    m_app.reset();
}

std::pair<bool, bool> ModelOpeningTest::dragAndDrop(const QString &file)
{
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(file)});
    const QPoint middle(m_app->window()->width() / 2, m_app->window()->height() / 2);
    QDragEnterEvent enter(middle, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_app->window(), &enter);
    const bool dragTaken = enter.isAccepted();
    QDropEvent drop(middle, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    drop.setAccepted(false);
    QCoreApplication::sendEvent(m_app->window(), &drop);
    return {dragTaken, drop.isAccepted()};
}

int ModelOpeningTest::dockTab() const
{
    QQuickItem *tabs = m_app->find(QStringLiteral("dockTabs"));
    return tabs ? tabs->property("currentIndex").toInt() : -1;
}

QTEST_MAIN(ModelOpeningTest)

#include "ModelOpeningTest.moc"
