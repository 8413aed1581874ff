#include "ConversationStore.h"
#include "ConversationExport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;

// The store against a real SQLite file: every test reopens it to prove the data is on disk.
class ConversationStoreTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
    }

    void createsConversationsAndMessages()
    {
        qint64 conversation = -1;
        qint64 user = -1;
        qint64 reply = -1;
        {
            ConversationStore store(m_path);
            QVERIFY(store.isOpen());
            conversation = store.createConversation(QStringLiteral("First chat"),
                                                    QStringLiteral("stories"),
                                                    QStringLiteral("Be brief."),
                                                    QStringLiteral("{\"temperature\":0.5}"));
            QVERIFY(conversation > 0);
            user = store.addMessage(conversation, 0, QStringLiteral("user"), QStringLiteral("Hello"));
            reply = store.addMessage(conversation, user, QStringLiteral("assistant"), QString());
            QVERIFY(store.setMessageContent(reply, QStringLiteral("Hi there")));
            QVERIFY(store.setMessageStats(reply, QStringLiteral("{\"finishReason\":\"eos\"}")));
        }
        ConversationStore store(m_path);
        const std::optional<Conversation> stored = store.conversation(conversation);
        QVERIFY(stored);
        QCOMPARE(stored->title, QStringLiteral("First chat"));
        QCOMPARE(stored->model, QStringLiteral("stories"));
        QCOMPARE(stored->systemPrompt, QStringLiteral("Be brief."));
        QCOMPARE(stored->samplerJson, QStringLiteral("{\"temperature\":0.5}"));
        QVERIFY(stored->updated >= stored->created);
        const QList<StoredMessage> path = store.selectedPath(conversation);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].id, user);
        QCOMPARE(path[0].parentId, 0);
        QCOMPARE(path[0].role, QStringLiteral("user"));
        QCOMPARE(path[1].content, QStringLiteral("Hi there"));
        QCOMPARE(path[1].parentId, user);
        QCOMPARE(path[1].statsJson, QStringLiteral("{\"finishReason\":\"eos\"}"));
        QCOMPARE(store.conversations().size(), 1);
    }

    void branchesAreSiblings()
    {
        ConversationStore store(m_path);
        const qint64 conversation = store.createConversation(QStringLiteral("Branches"), {}, {}, {});
        const qint64 user = store.addMessage(conversation, 0, QStringLiteral("user"), QStringLiteral("Tell a story"));
        const qint64 first = store.addMessage(conversation, user, QStringLiteral("assistant"), QStringLiteral("Once"));
        const qint64 second = store.addMessage(conversation, user, QStringLiteral("assistant"), QStringLiteral("Long ago"));
        QCOMPARE(store.children(conversation, user).size(), 2);
        // The newest sibling is selected when added.
        QCOMPARE(store.selectedChild(conversation, user), second);
        QCOMPARE(store.selectedPath(conversation).last().id, second);
        QVERIFY(store.selectChild(conversation, user, first));
        QCOMPARE(store.selectedPath(conversation).last().content, QStringLiteral("Once"));

        // An edited question is a sibling at the root, with its own reply below it.
        const qint64 edited = store.addMessage(conversation, 0, QStringLiteral("user"), QStringLiteral("Tell a joke"));
        store.addMessage(conversation, edited, QStringLiteral("assistant"), QStringLiteral("Knock knock"));
        QCOMPARE(store.children(conversation, 0).size(), 2);
        QCOMPARE(store.selectedPath(conversation).last().content, QStringLiteral("Knock knock"));
        QVERIFY(store.selectChild(conversation, 0, user));
        QCOMPARE(store.selectedPath(conversation).last().content, QStringLiteral("Once")); // each level keeps its choice

        // Deleting a message removes its subtree and falls back to the newest sibling left.
        QVERIFY(store.deleteMessage(user));
        QCOMPARE(store.allMessages(conversation).size(), 2);
        QCOMPARE(store.selectedPath(conversation).first().id, edited);
    }

    void searchesTitlesAndText()
    {
        ConversationStore store(m_path);
        const qint64 dragons = store.createConversation(QStringLiteral("About dragons"), {}, {}, {});
        const qint64 cooking = store.createConversation(QStringLiteral("Dinner"), {}, {}, {});
        store.addMessage(cooking, 0, QStringLiteral("user"), QStringLiteral("How long do I boil an EGG?"));
        store.createConversation(QStringLiteral("100% sure"), {}, {}, {});

        QCOMPARE(store.conversations().size(), 3);
        QCOMPARE(store.conversations(QStringLiteral("dragon")).size(), 1);
        QCOMPARE(store.conversations(QStringLiteral("dragon")).first().id, dragons);
        QCOMPARE(store.conversations(QStringLiteral("egg")).first().id, cooking); // message text, any case
        QCOMPARE(store.conversations(QStringLiteral("%")).size(), 1); // wildcards are taken literally
        QVERIFY(store.conversations(QStringLiteral("unicorn")).isEmpty());
        // The conversation written to last comes first.
        QCOMPARE(store.conversations().first().title, QStringLiteral("100% sure"));
    }

    void renamesAndDeletes()
    {
        qint64 kept = -1;
        {
            ConversationStore store(m_path);
            kept = store.createConversation(QStringLiteral("Old name"), {}, {}, {});
            const qint64 doomed = store.createConversation(QStringLiteral("Doomed"), {}, {}, {});
            const qint64 user = store.addMessage(doomed, 0, QStringLiteral("user"), QStringLiteral("bye"));
            store.addMessage(doomed, user, QStringLiteral("assistant"), QStringLiteral("bye"));
            QVERIFY(store.renameConversation(kept, QStringLiteral("New name")));
            QVERIFY(store.deleteConversation(doomed));
            QVERIFY(store.allMessages(doomed).isEmpty());
        }
        ConversationStore store(m_path);
        const QList<Conversation> all = store.conversations();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().id, kept);
        QCOMPARE(all.first().title, QStringLiteral("New name"));
    }

    void exportsMarkdownAndJson()
    {
        ConversationStore store(m_path);
        const qint64 conversation =
            store.createConversation(QStringLiteral("Export me"), QStringLiteral("stories"), QStringLiteral("You are terse."), QStringLiteral("{\"topK\":40}"));
        const qint64 user = store.addMessage(conversation, 0, QStringLiteral("user"), QStringLiteral("Hello"));
        const qint64 first = store.addMessage(conversation, user, QStringLiteral("assistant"), QStringLiteral("Hi"));
        store.addMessage(conversation, user, QStringLiteral("assistant"), QStringLiteral("Hey **you**"));

        const QString markdown = exportMarkdown(store, conversation);
        QVERIFY(markdown.startsWith(QStringLiteral("# Export me\n")));
        QVERIFY(markdown.contains(QStringLiteral("## System\n\nYou are terse.")));
        QVERIFY(markdown.contains(QStringLiteral("## User\n\nHello")));
        QVERIFY(markdown.contains(QStringLiteral("## Assistant\n\nHey **you**")));
        QVERIFY(!markdown.contains(QStringLiteral("\n\nHi\n"))); // the branch not shown stays out

        const QJsonObject json = QJsonDocument::fromJson(exportJson(store, conversation)).object();
        QCOMPARE(json.value(QStringLiteral("title")).toString(), QStringLiteral("Export me"));
        QCOMPARE(json.value(QStringLiteral("systemPrompt")).toString(), QStringLiteral("You are terse."));
        QCOMPARE(json.value(QStringLiteral("sampler")).toObject().value(QStringLiteral("topK")).toInt(), 40);
        const QJsonArray messages = json.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 3); // every branch
        QCOMPARE(messages.at(1).toObject().value(QStringLiteral("id")).toInteger(), first);
        QCOMPARE(messages.at(1).toObject().value(QStringLiteral("parentId")).toInteger(), user);
        QVERIFY(messages.at(0).toObject().value(QStringLiteral("parentId")).isNull());
        QCOMPARE(json.value(QStringLiteral("selectedPath")).toArray().size(), 2);
        QVERIFY(exportJson(store, conversation + 100).isEmpty());
    }

    void usesWriteAheadLog()
    {
        ConversationStore store(m_path);
        store.createConversation(QStringLiteral("x"), {}, {}, {});
        QVERIFY(QFile::exists(m_path + QStringLiteral("-wal")));
    }

    void reportsAnUnusableFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("not-a-database.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".*")));
        ConversationStore store(path);
        QVERIFY(!store.isOpen());
        QVERIFY(!store.errorString().isEmpty());
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(ConversationStoreTest)
#include "ConversationStoreTest.moc"
