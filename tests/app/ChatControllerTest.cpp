#include "AppCore.h"

#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace glassbox::app;

namespace
{

const QString kModel = QDir::cleanPath(QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf"));
constexpr int kTimeout = 120000; // generous: the tests also run under ASan on a busy machine

} // namespace

// The Chat and Models singletons as QML sees them, with the real engine, the real stories260K model
// and the SQLite store in a temporary data folder.
class ChatControllerTest : public QObject
{
    Q_OBJECT

private:
    AppCore &core()
    {
        return *m_core;
    }
    MessageListModel &messages()
    {
        return *m_core->chat.messages();
    }
    QString text(int row)
    {
        return messages().row(row).message.content;
    }
    void waitForReply()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!core().chat.generating(), kTimeout);
    }
    void loadModel()
    {
        core().models.openPath(kModel);
        QTRY_COMPARE_WITH_TIMEOUT(core().models.state(), QStringLiteral("ready"), kTimeout);
    }
    // A fresh app on the same data folder, as after a restart.
    void restart()
    {
        m_core.reset();
        m_core = std::make_unique<AppCore>(m_data->path());
    }

private Q_SLOTS:
    void init()
    {
        // Each test starts with an empty data folder.
        m_data = std::make_unique<QTemporaryDir>();
        QVERIFY(m_data->isValid());
        m_core = std::make_unique<AppCore>(m_data->path());
        QVERIFY(core().store.isOpen());
        // Short greedy replies keep the tests quick and repeatable.
        core().sampling.setProperty("maxTokens", 16);
        core().sampling.setProperty("temperature", 0.0);
    }

    void cleanup()
    {
        m_core.reset();
    }

    void loadsAModelWithItsCard()
    {
        QCOMPARE(core().models.state(), QStringLiteral("empty"));
        QSignalSpy progress(&core().models, &ModelController::progressChanged);
        core().models.setContextSize(1024);
        loadModel();
        QVERIFY(!progress.isEmpty());
        QCOMPARE(core().models.progress(), 1.0);
        QCOMPARE(core().models.backend(), QStringLiteral("cpu"));
        QCOMPARE(core().models.modelPath(), kModel);
        QCOMPARE(core().models.modelName(), QStringLiteral("llama"));
        QCOMPARE(core().chat.contextSize(), 1024);
        const QVariantMap card = core().models.card();
        QCOMPARE(card.value(QStringLiteral("architecture")).toString(), QStringLiteral("llama"));
        QCOMPARE(card.value(QStringLiteral("parameters")).toLongLong(), 292800);
        QCOMPARE(card.value(QStringLiteral("contextTrained")).toInt(), 2048);
        QCOMPARE(card.value(QStringLiteral("layers")).toInt(), 5);
        QCOMPARE(card.value(QStringLiteral("vocab")).toInt(), 512);
        QCOMPARE(card.value(QStringLiteral("chatTemplate")).toString(), QStringLiteral("llama2"));
        // Weights (1,171,200 bytes of F32) plus the KV cache at the session's 1024 positions.
        QCOMPARE(card.value(QStringLiteral("memoryNeededBytes")).toLongLong(), 292800LL * 4 + 640LL * 1024);
        QVERIFY(card.value(QStringLiteral("memoryAvailableBytes")).toLongLong() > 0);
        QVERIFY(card.value(QStringLiteral("fits")).toBool());
        QCOMPARE(core().models.recentModels(), QStringList{kModel});

        // The recent list survives a restart; the settings live in the data folder.
        restart();
        QCOMPARE(core().models.recentModels(), QStringList{kModel});
        QCOMPARE(core().models.contextSize(), 1024);
    }

    // The KV cache setting reaches the session and the card's memory estimate; a model whose heads
    // would split Q8_0 blocks (stories260K: 8 values per head) gets a plain error, and loads with F16.
    void kvCacheSetting()
    {
        core().settings.setKvCache(QStringLiteral("Q8_0"));
        core().models.openPath(kModel);
        QTRY_COMPARE_WITH_TIMEOUT(core().models.state(), QStringLiteral("error"), kTimeout);
        QVERIFY2(core().models.errorText().contains(QStringLiteral("multiple of 32")), qPrintable(core().models.errorText()));
        QCOMPARE(core().models.card().value(QStringLiteral("kvType")).toString(), QStringLiteral("Q8_0"));
        QCOMPARE(core().models.card().value(QStringLiteral("kvBytesPerToken")).toLongLong(), 640LL * 17 / 32); // 34 bytes per 32 values
        core().settings.setKvCache(QStringLiteral("F16"));
        loadModel();
        QCOMPARE(core().models.card().value(QStringLiteral("kvType")).toString(), QStringLiteral("F16"));
        QCOMPARE(core().models.card().value(QStringLiteral("kvBytesPerToken")).toLongLong(), 640LL);
    }

    void sendsAndStreamsAReply()
    {
        loadModel();
        QSignalSpy changed(&messages(), &QAbstractItemModel::dataChanged);
        QSignalSpy usage(&core().chat, &ChatController::contextUsageChanged);
        core().chat.send(QStringLiteral("Once upon a time"));
        QVERIFY(core().chat.generating());
        QVERIFY(core().chat.currentConversationId() > 0);
        QCOMPARE(core().chat.currentTitle(), QStringLiteral("Once upon a time"));
        QCOMPARE(messages().rowCount(), 2);
        QCOMPARE(messages().row(0).message.role, QStringLiteral("user"));
        QCOMPARE(messages().row(1).message.role, QStringLiteral("assistant"));
        QVERIFY(messages().row(1).streaming);
        waitForReply();

        QVERIFY(changed.count() >= 2); // the text grew token by token
        QVERIFY(!text(1).trimmed().isEmpty());
        QVERIFY(!messages().row(1).streaming);
        const QVariantMap stats = messages().row(1).stats;
        QCOMPARE(stats.value(QStringLiteral("finishReason")).toString(), QStringLiteral("length"));
        QCOMPARE(stats.value(QStringLiteral("generatedTokens")).toInt(), 16);
        QVERIFY(stats.value(QStringLiteral("promptTokens")).toInt() > 0);
        QVERIFY(stats.contains(QStringLiteral("timeToFirstTokenMs")));
        QVERIFY(stats.contains(QStringLiteral("prefillTokensPerSecond")));
        QVERIFY(stats.value(QStringLiteral("decodeTokensPerSecond")).toDouble() > 0);
        QVERIFY(!usage.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(core().chat.contextUsed() > stats.value(QStringLiteral("promptTokens")).toInt(), kTimeout);

        // Everything is in SQLite.
        const QList<StoredMessage> stored = core().store.selectedPath(core().chat.currentConversationId());
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].content, QStringLiteral("Once upon a time"));
        QCOMPARE(stored[1].content, text(1));
        QVERIFY(stored[1].statsJson.contains(QStringLiteral("\"finishReason\":\"length\"")));
        QCOMPARE(core().store.conversation(core().chat.currentConversationId())->model, QStringLiteral("llama"));
        QCOMPARE(core().chat.conversations()->rowCount(), 1);

        // A second question continues the same branch.
        core().chat.send(QStringLiteral("And then?"));
        waitForReply();
        QCOMPARE(messages().rowCount(), 4);
        QCOMPARE(messages().row(2).message.parentId, messages().row(1).message.id);
    }

    void stops()
    {
        loadModel();
        core().sampling.setProperty("maxTokens", -1);
        core().chat.send(QStringLiteral("Tell me a long story"));
        QTRY_VERIFY_WITH_TIMEOUT(!text(1).isEmpty(), kTimeout);
        core().chat.stop();
        waitForReply();
        QCOMPARE(messages().row(1).stats.value(QStringLiteral("finishReason")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(core().store.message(messages().row(1).message.id)->content, text(1));
    }

    void regeneratesEditsAndSwitchesBranches()
    {
        loadModel();
        core().chat.send(QStringLiteral("Once upon a time"));
        waitForReply();
        const qint64 firstReply = messages().row(1).message.id;

        // regenerate: a second reply under the same question, shown instead of the first.
        core().sampling.setProperty("temperature", 1.0);
        core().chat.regenerate();
        waitForReply();
        QCOMPARE(messages().rowCount(), 2);
        QVERIFY(messages().row(1).message.id != firstReply);
        QCOMPARE(messages().row(1).branchCount, 2);
        QCOMPARE(messages().row(1).branchIndex, 1);
        QCOMPARE(messages().row(1).message.parentId, messages().row(0).message.id);

        core().chat.switchBranch(1, -1);
        QCOMPARE(messages().row(1).message.id, firstReply);
        QCOMPARE(messages().row(1).branchIndex, 0);
        core().chat.switchBranch(1, -1); // already the first: stays
        QCOMPARE(messages().row(1).message.id, firstReply);

        // edit: a sibling question with its own reply.
        core().chat.editMessage(0, QStringLiteral("The little dog"));
        waitForReply();
        QCOMPARE(messages().rowCount(), 2);
        QCOMPARE(text(0), QStringLiteral("The little dog"));
        QCOMPARE(messages().row(0).branchCount, 2);
        QCOMPARE(messages().row(0).branchIndex, 1);
        QVERIFY(!text(1).isEmpty());
        core().chat.switchBranch(0, -1);
        QCOMPARE(text(0), QStringLiteral("Once upon a time"));
        QCOMPARE(messages().row(1).message.id, firstReply); // each level remembers its choice

        // The tree is in SQLite and comes back after a restart, on the branch last shown.
        const qint64 conversation = core().chat.currentConversationId();
        restart();
        QCOMPARE(core().store.allMessages(conversation).size(), 5);
        core().chat.selectConversation(conversation);
        QCOMPARE(messages().rowCount(), 2);
        QCOMPARE(text(0), QStringLiteral("Once upon a time"));
        QCOMPARE(messages().row(1).message.id, firstReply);
        QCOMPARE(messages().row(1).branchCount, 2);

        // Deleting the shown reply leaves its sibling.
        core().chat.deleteMessage(1);
        QCOMPARE(messages().rowCount(), 2);
        QVERIFY(messages().row(1).message.id != firstReply);
        QCOMPARE(messages().row(1).branchCount, 1);
    }

    void managesConversations()
    {
        loadModel();
        core().chat.send(QStringLiteral("A story about a dragon"));
        waitForReply();
        const qint64 dragon = core().chat.currentConversationId();
        core().chat.newConversation();
        QCOMPARE(core().chat.currentConversationId(), -1);
        QCOMPARE(messages().rowCount(), 0);
        core().chat.setSystemPrompt(QStringLiteral("You tell short stories."));
        QTRY_VERIFY_WITH_TIMEOUT(core().chat.systemPromptTokens() > 0, kTimeout);
        core().chat.send(QStringLiteral("A story about a cat"));
        waitForReply();
        const qint64 cat = core().chat.currentConversationId();
        QVERIFY(cat != dragon);
        QCOMPARE(core().store.conversation(cat)->systemPrompt, QStringLiteral("You tell short stories."));
        QCOMPARE(core().chat.conversations()->rowCount(), 2);

        core().chat.setSearch(QStringLiteral("dragon"));
        QCOMPARE(core().chat.conversations()->rowCount(), 1);
        QCOMPARE(core().chat.conversations()->data(core().chat.conversations()->index(0), ConversationListModel::ConversationIdRole).toLongLong(), dragon);
        core().chat.setSearch({});

        core().chat.renameConversation(cat, QStringLiteral("Cats"));
        QCOMPARE(core().chat.currentTitle(), QStringLiteral("Cats"));
        QCOMPARE(core().store.conversation(cat)->title, QStringLiteral("Cats"));

        core().chat.selectConversation(dragon);
        QCOMPARE(core().chat.systemPrompt(), QString());
        QCOMPARE(text(0), QStringLiteral("A story about a dragon"));

        QTemporaryDir out;
        QVERIFY(core().chat.exportConversation(cat, QUrl::fromLocalFile(out.filePath(QStringLiteral("cat.md"))), QStringLiteral("markdown")));
        QVERIFY(core().chat.exportConversation(cat, QUrl::fromLocalFile(out.filePath(QStringLiteral("cat.json"))), QStringLiteral("json")));
        QFile markdown(out.filePath(QStringLiteral("cat.md")));
        QVERIFY(markdown.open(QIODevice::ReadOnly));
        QVERIFY(markdown.readAll().startsWith("# Cats"));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("cat.json"))));
        QVERIFY(!core().chat.exportConversation(cat, QUrl::fromLocalFile(out.filePath(QStringLiteral("x"))), QStringLiteral("pdf")));
        QVERIFY(!core().chat.lastError().isEmpty());

        core().chat.copyMessage(0);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("A story about a dragon"));

        core().chat.deleteConversation(dragon);
        QCOMPARE(core().chat.currentConversationId(), -1);
        QCOMPARE(core().chat.conversations()->rowCount(), 1);
        QVERIFY(!core().store.conversation(dragon));
    }

    void keepsSamplingPerConversation()
    {
        loadModel();
        core().sampling.applyPreset(QStringLiteral("Precise"));
        core().sampling.setProperty("maxTokens", 4);
        core().chat.send(QStringLiteral("First"));
        waitForReply();
        const qint64 precise = core().chat.currentConversationId();

        core().chat.newConversation();
        core().sampling.applyPreset(QStringLiteral("Creative"));
        core().chat.send(QStringLiteral("Second"));
        waitForReply();
        const qint64 creative = core().chat.currentConversationId();
        // A change made while a conversation is open is stored with it.
        core().sampling.setProperty("topK", 12);

        core().chat.selectConversation(precise);
        QCOMPARE(core().sampling.preset(), QStringLiteral("Precise"));
        QCOMPARE(core().sampling.maxTokens(), 4);
        core().chat.selectConversation(creative);
        QCOMPARE(core().sampling.property("temperature").toDouble(), 1.2);
        QCOMPARE(core().sampling.property("topK").toInt(), 12);

        restart();
        core().chat.selectConversation(precise);
        QCOMPARE(core().sampling.preset(), QStringLiteral("Precise"));
    }

    void leavesOutOldTurnsWhenTheContextIsFull()
    {
        core().models.setContextSize(96);
        loadModel();
        QCOMPARE(core().chat.contextSize(), 96);
        core().chat.setSystemPrompt(QStringLiteral("You tell stories."));
        for (int turn = 0; turn < 6 && core().chat.contextNotice().isEmpty(); ++turn) {
            core().chat.send(QStringLiteral("And what happened next in the story?"));
            waitForReply();
        }
        QVERIFY(!core().chat.contextNotice().isEmpty());
        const QVariantMap stats = messages().row(messages().rowCount() - 1).stats;
        QVERIFY(stats.value(QStringLiteral("droppedMessages")).toInt() >= 2);
        QVERIFY(stats.value(QStringLiteral("promptTokens")).toInt() <= 96 - 16);
        // Only the prompt is shortened: every message is still in the conversation.
        QVERIFY(messages().rowCount() >= 4);
        QCOMPARE(core().store.selectedPath(core().chat.currentConversationId()).size(), messages().rowCount());
    }

    void refusesWithoutAModel()
    {
        core().chat.send(QStringLiteral("Hello?"));
        QVERIFY(!core().chat.generating());
        QVERIFY(!core().chat.lastError().isEmpty());
        QCOMPARE(core().chat.conversations()->rowCount(), 0);
    }

    void survivesACorruptModel()
    {
        loadModel();
        core().chat.send(QStringLiteral("Once upon a time"));
        waitForReply();
        const qint64 conversation = core().chat.currentConversationId();
        const QString reply = text(1);

        QFile model(kModel);
        QVERIFY(model.open(QIODevice::ReadOnly));
        const QString broken = m_data->filePath(QStringLiteral("broken.gguf"));
        QFile out(broken);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(model.read(model.size() / 3));
        out.close();

        core().models.open(QUrl::fromLocalFile(broken));
        QTRY_COMPARE_WITH_TIMEOUT(core().models.state(), QStringLiteral("error"), kTimeout);
        QVERIFY(!core().models.errorText().isEmpty());
        QVERIFY2(core().models.errorText().contains(QStringLiteral("broken.gguf")), qPrintable(core().models.errorText()));
        QCOMPARE(core().models.recentModels(), QStringList{kModel});

        // Sending now is refused plainly, and nothing saved is lost.
        core().chat.send(QStringLiteral("Still there?"));
        QVERIFY(!core().chat.generating());
        QVERIFY(!core().chat.lastError().isEmpty());
        QCOMPARE(messages().rowCount(), 2);
        restart();
        const QList<StoredMessage> stored = core().store.selectedPath(conversation);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].content, reply);

        // And the good model loads again afterwards.
        loadModel();
    }

    void chatsOnVulkan()
    {
        core().models.setRequestedBackend(QStringLiteral("vulkan"));
        loadModel();
        if (!core().models.notice().isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(core().models.notice()));
            QSKIP(qPrintable(core().models.notice()));
        }
        QCOMPARE(core().models.backend(), QStringLiteral("vulkan"));
        core().chat.send(QStringLiteral("Once upon a time"));
        waitForReply();
        QVERIFY(core().chat.lastError().isEmpty());
        QVERIFY(!text(1).trimmed().isEmpty());
    }

    // A Vulkan backend that cannot start leaves a notice and the model runs on the CPU.
    void fallsBackToCpuWithoutVulkan()
    {
        qputenv("GLASSBOX_VK_DEVICE", "999");
        core().models.setRequestedBackend(QStringLiteral("vulkan"));
        loadModel();
        qunsetenv("GLASSBOX_VK_DEVICE");
        QVERIFY2(core().models.notice().contains(QStringLiteral("running on the CPU")), qPrintable(core().models.notice()));
        QCOMPARE(core().models.backend(), QStringLiteral("cpu"));
    }

private:
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<AppCore> m_core;
};

QTEST_MAIN(ChatControllerTest)
#include "ChatControllerTest.moc"
