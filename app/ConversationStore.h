#pragma once

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace glassbox::app
{

struct Conversation {
    qint64 id = -1;
    QString title;
    QDateTime created;
    QDateTime updated;
    QString model;
    QString systemPrompt;
    QString samplerJson;
};

// One message of the tree. Regenerated replies and edited questions are siblings: they share
// parentId (0 at the root).
struct StoredMessage {
    qint64 id = -1;
    qint64 conversationId = -1;
    qint64 parentId = 0;
    QString role;
    QString content;
    QDateTime created;
    QString statsJson;
};

// Conversations and their message trees in one SQLite file (WAL mode, so a reader never waits and
// a killed process loses at most the write in flight). Every call commits at once; failures are
// logged and reported by the return value.
class ConversationStore
{
public:
    explicit ConversationStore(const QString &path);
    ~ConversationStore();
    ConversationStore(const ConversationStore &) = delete;
    ConversationStore &operator=(const ConversationStore &) = delete;

    bool isOpen() const;
    QString path() const;
    QString errorString() const;

    qint64 createConversation(const QString &title, const QString &model, const QString &systemPrompt, const QString &samplerJson);
    std::optional<Conversation> conversation(qint64 id) const;
    // Most recently updated first; `search` matches titles and message text (case-insensitive).
    QList<Conversation> conversations(const QString &search = {}) const;
    bool renameConversation(qint64 id, const QString &title);
    bool setSystemPrompt(qint64 id, const QString &text);
    bool setSamplerJson(qint64 id, const QString &json);
    bool setModel(qint64 id, const QString &model);
    bool deleteConversation(qint64 id);

    // Adds a message under `parentId` (0: at the root) and makes it the selected child there.
    qint64 addMessage(qint64 conversationId, qint64 parentId, const QString &role, const QString &content);
    std::optional<StoredMessage> message(qint64 id) const;
    bool setMessageContent(qint64 id, const QString &content);
    bool setMessageStats(qint64 id, const QString &statsJson);
    // Removes the message and everything below it; its parent then selects the newest sibling left.
    bool deleteMessage(qint64 id);

    // Siblings under `parentId`, oldest first.
    QList<StoredMessage> children(qint64 conversationId, qint64 parentId) const;
    bool selectChild(qint64 conversationId, qint64 parentId, qint64 childId);
    // The selected child under `parentId`, or the newest when none was selected; 0 when there is none.
    qint64 selectedChild(qint64 conversationId, qint64 parentId) const;
    // The branch shown: from the root, following the selected child at each level.
    QList<StoredMessage> selectedPath(qint64 conversationId) const;
    // Every message of the conversation, oldest first.
    QList<StoredMessage> allMessages(qint64 conversationId) const;

private:
    bool createSchema();
    bool touch(qint64 conversationId);
    bool exec(const QString &statement, const QVariantList &values = {}) const;
    QList<StoredMessage> queryMessages(const QString &where, const QVariantList &values) const;

    QString m_connection;
    mutable QString m_error;
};

} // namespace glassbox::app
