// The whole app in-process, wired as main.cpp wires it: load the real stories260K model, send a
// message through the composer with Ctrl+Enter, wait for the streamed reply, check that it is shown
// and stored in SQLite, measure how long the GUI thread stalls while tokens stream in, and save
// screenshots of the main states under GLASSBOX_SCREENSHOT_DIR.

#include "AppWindow.h"

#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml>

#include <ctime>
#include <memory>

using namespace glassbox::app;
using namespace glassbox::app::test;

namespace
{

const QString kModel = QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");

// CPU time of the calling thread: what the GUI thread really spends, whatever else loads the machine.
qint64 threadCpuMicroseconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

// Samples the GUI thread with a short timer: the longest gap between two ticks is the longest time
// the thread could not run its event loop (no input handled, no frame prepared).
class StallProbe
{
public:
    static constexpr int kTickMs = 4;

    StallProbe()
    {
        m_timer.setInterval(kTickMs);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_longest = std::max(m_longest, m_clock.restart());
        });
    }
    void start()
    {
        m_longest = 0;
        m_clock.start();
        m_timer.start();
    }
    void stop()
    {
        m_timer.stop();
    }
    qint64 longestGapMs() const
    {
        return m_longest;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

} // namespace

class EndToEndTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyWindow();
    void modelCard();
    void chatStreamsAndStoresTheReply();
    void samplingPanel();
    void cleanupTestCase();

private:
    // The visible item of that name, or null.
    QQuickItem *find(const char *objectName) const
    {
        return m_app->find(QLatin1String(objectName));
    }
    void screenshot(const QString &name);
    void showPanel(const QString &title);

    QTemporaryDir m_dataFolder;
    std::unique_ptr<AppWindow> m_app;
    AppCore *m_core = nullptr;
    QQuickWindow *m_window = nullptr;
};

void EndToEndTest::initTestCase()
{
    QVERIFY(m_dataFolder.isValid());
    QVERIFY2(QFile::exists(kModel), qPrintable(kModel));
    QCoreApplication::setApplicationName(QStringLiteral("glassbox-end-to-end-test"));
    m_app = std::make_unique<AppWindow>(m_dataFolder.path());
    QVERIFY2(m_app->error().isEmpty(), qPrintable(m_app->error()));
    m_core = &m_app->core();
    m_window = m_app->window();
    qInfo() << "rendering with" << m_window->rendererInterface()->graphicsApi() << "on" << QGuiApplication::platformName();
}

void EndToEndTest::emptyWindow()
{
    QCOMPARE(m_core->models.state(), QStringLiteral("empty"));
    auto *input = find("composerInput");
    QVERIFY(input);
    QVERIFY(!input->isEnabled());
    screenshot(QStringLiteral("empty"));
}

void EndToEndTest::modelCard()
{
    m_core->models.openPath(kModel);
    QTRY_COMPARE_WITH_TIMEOUT(m_core->models.state(), QStringLiteral("ready"), 120000);
    showPanel(QStringLiteral("Model"));
    QTRY_VERIFY(find("modelCard"));
    QCOMPARE(find("architecture")->property("text").toString(), QStringLiteral("llama"));
    screenshot(QStringLiteral("model-card"));
}

void EndToEndTest::chatStreamsAndStoresTheReply()
{
    m_core->sampling.setProperty("maxTokens", 200);
    auto *input = find("composerInput");
    QTRY_VERIFY(input->isEnabled());
    input->forceActiveFocus();
    QTRY_VERIFY(input->hasActiveFocus());
    for (const char key : QByteArrayLiteral("Tell me a story about a cat.")) // Qt 6.4 has keyClicks() for widgets only
        QTest::keyClick(m_window, key);
    QCOMPARE(input->property("text").toString(), QStringLiteral("Tell me a story about a cat."));

    StallProbe probe;
    QElapsedTimer frameClock;
    qint64 longestFrameGap = 0;
    int frames = 0;
    // afterAnimating is emitted on the GUI thread once per frame, with either render loop.
    const auto connection = connect(m_window, &QQuickWindow::afterAnimating, this, [&] {
        if (frameClock.isValid())
            longestFrameGap = std::max(longestFrameGap, frameClock.restart());
        else
            frameClock.start();
        ++frames;
    });
    probe.start();
    QElapsedTimer generation;
    generation.start();
    const qint64 cpuBefore = threadCpuMicroseconds();
    QTest::keyClick(m_window, Qt::Key_Return, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(m_core->chat.generating(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_core->chat.generating(), 300000);
    const qint64 generationMs = generation.elapsed();
    const qint64 guiCpuUs = threadCpuMicroseconds() - cpuBefore;
    probe.stop();
    disconnect(connection);
    QCOMPARE(input->property("text").toString(), QString());

    // The reply is listed, complete and not empty.
    QAbstractItemModel *messages = m_core->chat.messages();
    QCOMPARE(messages->rowCount(), 2);
    const QHash<int, QByteArray> roles = messages->roleNames();
    const auto data = [&](int row, const QByteArray &name) {
        return messages->data(messages->index(row, 0), roles.key(name));
    };
    QCOMPARE(data(0, "role").toString(), QStringLiteral("user"));
    QCOMPARE(data(1, "role").toString(), QStringLiteral("assistant"));
    const QString reply = data(1, "text").toString();
    QVERIFY2(!reply.trimmed().isEmpty(), "the reply is empty");
    QVERIFY(!data(1, "streaming").toBool());
    const QVariantMap stats = data(1, "stats").toMap();
    QVERIFY(stats.value(QStringLiteral("generatedTokens")).toInt() > 0);
    auto *list = find("messageList");
    QVERIFY(list);
    QTRY_COMPARE(list->property("count").toInt(), 2);
    QTRY_VERIFY(list->property("count").toInt() == 2 && find("replyStats") && !find("replyStats")->property("text").toString().isEmpty());

    // And it is stored.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("end-to-end-check"));
        db.setDatabaseName(AppCore::databaseFile(m_dataFolder.path()));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), reply);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("end-to-end-check"));

    const int tokens = stats.value(QStringLiteral("generatedTokens")).toInt();
    const QString timing = QStringLiteral(
                               "generation: %1 tokens in %2 ms; GUI thread busy %3 ms of CPU (%4 ms per token); "
                               "longest GUI-thread stall %5 ms (timer probe, %6 ms ticks); longest gap between frames %7 ms over %8 frames")
                               .arg(tokens)
                               .arg(generationMs)
                               .arg(guiCpuUs / 1000)
                               .arg(tokens > 0 ? double(guiCpuUs) / 1000.0 / tokens : 0.0, 0, 'f', 2)
                               .arg(probe.longestGapMs())
                               .arg(StallProbe::kTickMs)
                               .arg(longestFrameGap)
                               .arg(frames);
    qInfo().noquote() << timing;
    QDir().mkpath(QStringLiteral(GLASSBOX_SCREENSHOT_DIR));
    QFile report(QStringLiteral(GLASSBOX_SCREENSHOT_DIR "/frame-timing.txt"));
    QVERIFY(report.open(QIODevice::WriteOnly | QIODevice::Truncate));
    report.write(timing.toUtf8() + '\n');
    // Reported, not asserted: wall-clock stalls measure the machine's load as much as the app
    // (sanitizers, several builds sharing two cores), so no bound would be both tight and reliable.

    screenshot(QStringLiteral("chatting"));
}

void EndToEndTest::samplingPanel()
{
    showPanel(QStringLiteral("Sampling"));
    QTRY_VERIFY(find("temperatureSlider"));
    screenshot(QStringLiteral("sampling-panel"));
}

void EndToEndTest::cleanupTestCase()
{
    m_core = nullptr;
    m_window = nullptr;
    m_app.reset();
}

void EndToEndTest::showPanel(const QString &title)
{
    QVERIFY(QMetaObject::invokeMethod(m_app->root(), "showPanel", Q_ARG(QVariant, title)));
}

void EndToEndTest::screenshot(const QString &name)
{
    // Let bindings, layouts and the scroll to the end settle before the frame is grabbed.
    QTest::qWait(300);
    const QImage image = m_window->grabWindow();
    QVERIFY(!image.isNull());
    QVERIFY(QDir().mkpath(QStringLiteral(GLASSBOX_SCREENSHOT_DIR)));
    const QString file = QStringLiteral(GLASSBOX_SCREENSHOT_DIR "/%1.png").arg(name);
    QVERIFY2(image.save(file), qPrintable(file));
    qInfo().noquote() << "screenshot:" << file;
}

QTEST_MAIN(EndToEndTest)

#include "EndToEndTest.moc"
