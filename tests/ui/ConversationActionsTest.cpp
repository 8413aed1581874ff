// The sidebar's conversation menu in the real window, on a real SQLite file: rename, export as
// Markdown and JSON, and delete, each checked on screen and in the file.

#include "AppWindow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;
using namespace glassbox::app::test;

class ConversationActionsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void renameThroughTheMenu();
    void exportAsMarkdown();
    void exportAsJson();
    void deleteThroughTheMenu();
    void cleanupTestCase();

private:
    // The sidebar row showing that title, or null.
    QQuickItem *row(const QString &title) const;
    // Opens the row's "⋯" menu and clicks the named action in it.
    bool choose(const QString &title, const QString &action);

    QTemporaryDir m_dataFolder;
    qint64 m_rome = -1;
    qint64 m_cats = -1;
    std::unique_ptr<AppWindow> m_app;
};

void ConversationActionsTest::initTestCase()
{
    QVERIFY(m_dataFolder.isValid());
    QCoreApplication::setApplicationName(QStringLiteral("glassbox-conversation-actions-test"));
    {
        // Two conversations already on disk when the app starts, as after an earlier session.
        ConversationStore store(AppCore::databaseFile(m_dataFolder.path()));
        QVERIFY(store.isOpen());
        m_rome = store.createConversation(QStringLiteral("Trip to Rome"), QStringLiteral("tiny"), {}, {});
        const qint64 question = store.addMessage(m_rome, 0, QStringLiteral("user"), QStringLiteral("Where should I eat?"));
        store.addMessage(m_rome, question, QStringLiteral("assistant"), QStringLiteral("Try **Roscioli**."));
        m_cats = store.createConversation(QStringLiteral("Cats"), QStringLiteral("tiny"), {}, {});
        const qint64 name = store.addMessage(m_cats, 0, QStringLiteral("user"), QStringLiteral("Name a cat."));
        store.addMessage(m_cats, name, QStringLiteral("assistant"), QStringLiteral("Tom."));
        QVERIFY(m_rome > 0 && m_cats > 0);
    }
    m_app = std::make_unique<AppWindow>(m_dataFolder.path());
    QVERIFY2(m_app->error().isEmpty(), qPrintable(m_app->error()));
    QTRY_VERIFY(row(QStringLiteral("Trip to Rome")));
    QVERIFY(row(QStringLiteral("Cats")));
}

void ConversationActionsTest::renameThroughTheMenu()
{
    QVERIFY(choose(QStringLiteral("Trip to Rome"), QStringLiteral("renameAction")));
    QObject *dialog = m_app->findObject(QStringLiteral("renameDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("opened").toBool());
    QQuickItem *field = m_app->find(QStringLiteral("renameField"));
    QVERIFY(field);
    QCOMPARE(field->property("text").toString(), QStringLiteral("Trip to Rome"));
    QTRY_VERIFY(field->hasActiveFocus());
    // The old title is selected, so typing replaces it; Return accepts.
    m_app->type(QStringLiteral("Rome notes"));
    QTest::keyClick(m_app->window(), Qt::Key_Return);
    QTRY_VERIFY(!dialog->property("visible").toBool());

    QTRY_VERIFY(row(QStringLiteral("Rome notes")));
    QVERIFY(!row(QStringLiteral("Trip to Rome")));
    QCOMPARE(m_app->stored(QStringLiteral("SELECT title FROM conversations WHERE id = ?"), {m_rome}).toString(), QStringLiteral("Rome notes"));
}

void ConversationActionsTest::exportAsMarkdown()
{
    QVERIFY(choose(QStringLiteral("Rome notes"), QStringLiteral("exportMarkdownAction")));
    QObject *dialog = m_app->findObject(QStringLiteral("exportDialog"));
    QVERIFY(dialog);
    QCOMPARE(dialog->property("conversationId").toLongLong(), m_rome);
    QCOMPARE(dialog->property("format").toString(), QStringLiteral("markdown"));
    const QUrl proposed = dialog->property("selectedFile").toUrl();
    QVERIFY2(proposed.fileName() == QStringLiteral("Rome notes.md"), qPrintable(proposed.toString()));
    // The file picker itself is the platform's (and not always there: Qt's own needs the
    // Qt.labs.folderlistmodel module); what the app does is what happens on "Save".
    const QString file = m_dataFolder.filePath(QStringLiteral("rome.md"));
    QVERIFY(dialog->setProperty("selectedFile", QUrl::fromLocalFile(file)));
    QVERIFY(QMetaObject::invokeMethod(dialog, "accepted"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "close"));

    QFile exported(file);
    QVERIFY2(exported.open(QIODevice::ReadOnly), qPrintable(file));
    const QString text = QString::fromUtf8(exported.readAll());
    QVERIFY2(text.startsWith(QStringLiteral("# Rome notes\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("## User\n\nWhere should I eat?\n\n## Assistant\n\nTry **Roscioli**.")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("Tom.")));
}

void ConversationActionsTest::exportAsJson()
{
    QVERIFY(choose(QStringLiteral("Cats"), QStringLiteral("exportJsonAction")));
    QObject *dialog = m_app->findObject(QStringLiteral("exportDialog"));
    QCOMPARE(dialog->property("conversationId").toLongLong(), m_cats);
    QCOMPARE(dialog->property("format").toString(), QStringLiteral("json"));
    const QString file = m_dataFolder.filePath(QStringLiteral("cats.json"));
    QVERIFY(dialog->setProperty("selectedFile", QUrl::fromLocalFile(file)));
    QVERIFY(QMetaObject::invokeMethod(dialog, "accepted"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "close"));

    QFile exported(file);
    QVERIFY2(exported.open(QIODevice::ReadOnly), qPrintable(file));
    const QJsonObject json = QJsonDocument::fromJson(exported.readAll()).object();
    QCOMPARE(json.value(QStringLiteral("title")).toString(), QStringLiteral("Cats"));
    const QJsonArray messages = json.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Name a cat."));
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Tom."));
}

void ConversationActionsTest::deleteThroughTheMenu()
{
    // Open it first: deleting the conversation on screen also clears the chat.
    QVERIFY(m_app->click(row(QStringLiteral("Cats"))));
    QTRY_COMPARE(m_app->core().chat.currentConversationId(), m_cats);
    QTRY_VERIFY(m_app->messageBubble(1));
    QTRY_COMPARE(shownText(m_app->find(QStringLiteral("replyText"), m_app->messageBubble(1))), QStringLiteral("Tom."));

    QVERIFY(choose(QStringLiteral("Cats"), QStringLiteral("deleteAction")));
    QObject *dialog = m_app->findObject(QStringLiteral("deleteDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("opened").toBool());
    QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));

    QTRY_VERIFY(!row(QStringLiteral("Cats")));
    QVERIFY(row(QStringLiteral("Rome notes")));
    QCOMPARE(m_app->core().chat.currentConversationId(), -1);
    QTRY_COMPARE(m_app->find(QStringLiteral("messageList"))->property("count").toInt(), 0);
    QCOMPARE(m_app->stored(QStringLiteral("SELECT COUNT(*) FROM conversations WHERE id = ?"), {m_cats}).toInt(), 0);
    QCOMPARE(m_app->stored(QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation_id = ?"), {m_cats}).toInt(), 0);
    QCOMPARE(m_app->stored(QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation_id = ?"), {m_rome}).toInt(), 2);
}

void ConversationActionsTest::cleanupTestCase()
{
    m_app.reset();
}

QQuickItem *ConversationActionsTest::row(const QString &title) const
{
    for (QQuickItem *item : m_app->findAll(QStringLiteral("conversationRow")))
        if (item->property("title").toString() == title)
            return item;
    return nullptr;
}

bool ConversationActionsTest::choose(const QString &title, const QString &action)
{
    QQuickItem *conversation = row(title);
    if (!conversation || !m_app->click(m_app->find(QStringLiteral("conversationActions"), conversation)))
        return false;
    // The menu opens in the overlay; its items are clickable once it has been laid out.
    return QTest::qWaitFor([&] {
        QQuickItem *item = m_app->find(action);
        return item && item->width() > 0 && item->isEnabled();
    }) && m_app->click(m_app->find(action));
}

QTEST_MAIN(ConversationActionsTest)

#include "ConversationActionsTest.moc"
