#include "AppCore.h"
#include "ConversationStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;

namespace
{

const QString kModel = QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");
const QString kPrompt = QStringLiteral("Once upon a time");

// The streamed reply as the app has saved it so far: its text while it is still unfinished (no
// stats yet), or an empty string. Reads through its own read-only connection, as a second process would.
QString partialReply(const QString &databaseFile)
{
    if (!QFile::exists(databaseFile))
        return {};
    QString reply;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(databaseFile);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=1000"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT content FROM messages WHERE role = 'assistant' AND stats_json = '' AND content != ''")) && query.next())
                reply = query.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return reply;
}

} // namespace

// The real glassbox binary, killed with SIGKILL while it streams a reply: what it saved before must
// all be there afterwards, for the store and for the app started again.
class KillRecoveryTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsThePartialReplyAfterKill()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const QString databaseFile = AppCore::databaseFile(data.path());

        QProcess app;
        app.setProcessChannelMode(QProcess::ForwardedChannels);
        app.start(QStringLiteral(GLASSBOX_APP),
                  {QStringLiteral("--data-dir"), data.path(), QStringLiteral("--model"), kModel, QStringLiteral("--send"), kPrompt});
        QVERIFY2(app.waitForStarted(), qPrintable(app.errorString()));

        // Untouched sampling settings let the reply run until the context is full: far longer than
        // the save interval, so a partial reply shows up in the file while it streams.
        QString seen;
        QElapsedTimer clock;
        clock.start();
        while (seen.isEmpty() && clock.elapsed() < 180000 && app.state() == QProcess::Running) {
            QTest::qWait(20);
            seen = partialReply(databaseFile);
        }
        QVERIFY2(app.state() == QProcess::Running, "glassbox exited before it was killed (see its output above)");
        QVERIFY2(!seen.isEmpty(), "no partial reply was saved while streaming");
        qInfo("killing glassbox after %lld ms; %lld characters of the reply were saved",
              static_cast<long long>(clock.elapsed()),
              static_cast<long long>(seen.size()));
        app.kill();
        QVERIFY(app.waitForFinished());
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);

        {
            ConversationStore store(databaseFile);
            QVERIFY(store.isOpen());
            const QList<Conversation> conversations = store.conversations();
            QCOMPARE(conversations.size(), 1);
            QCOMPARE(conversations.first().title, kPrompt);
            const QList<StoredMessage> path = store.selectedPath(conversations.first().id);
            QCOMPARE(path.size(), 2);
            QCOMPARE(path[0].role, QStringLiteral("user"));
            QCOMPARE(path[0].content, kPrompt);
            QCOMPARE(path[1].role, QStringLiteral("assistant"));
            // At least what was seen before the kill; a save may have landed between the look and the kill.
            QVERIFY2(path[1].content.startsWith(seen), qPrintable(path[1].content));
        }

        // The app starts again on the same folder and does not lose any of it.
        QProcess again;
        again.setProcessChannelMode(QProcess::ForwardedChannels);
        again.start(QStringLiteral(GLASSBOX_APP), {QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(again.waitForStarted(), qPrintable(again.errorString()));
        QTest::qWait(3000);
        QVERIFY2(again.state() == QProcess::Running, "glassbox did not start again on the folder of the killed one");
        again.kill();
        QVERIFY(again.waitForFinished(60000));

        ConversationStore store(databaseFile);
        const QList<Conversation> conversations = store.conversations();
        QCOMPARE(conversations.size(), 1);
        QVERIFY(store.selectedPath(conversations.first().id).value(1).content.startsWith(seen));
    }
};

QTEST_GUILESS_MAIN(KillRecoveryTest)
#include "KillRecoveryTest.moc"
