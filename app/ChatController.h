#pragma once

#include "ConversationListModel.h"
#include "MessageListModel.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <stop_token>

namespace glassbox::app
{

class ConversationStore;
class EngineThread;
class ModelController;
class SamplingSettings;

// The `Chat` singleton (docs/APP_API.md): the conversation list, the branch on screen, sending,
// stopping, regenerating and editing (both make branches), and the context meter. Every change is
// written to the ConversationStore at once; a streamed reply at least every kSaveInterval, so
// killing the app loses at most that much of it. Streamed tokens reach the message list at most once
// per kShowInterval: a small model makes tokens faster than frames, and every update of the list
// re-lays out the reply's text and its bindings, so per-token updates cost frames.
class ChatController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QAbstractListModel *conversations READ conversations CONSTANT)
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentTitleChanged)
    Q_PROPERTY(QAbstractListModel *messages READ messages CONSTANT)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
    Q_PROPERTY(int systemPromptTokens READ systemPromptTokens NOTIFY contextUsageChanged)
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextUsageChanged)
    Q_PROPERTY(int contextSize READ contextSize NOTIFY contextSizeChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    // Set while older turns are left out of the prompt because the conversation outgrew the context.
    Q_PROPERTY(QString contextNotice READ contextNotice NOTIFY contextNoticeChanged)

public:
    static constexpr int kSaveInterval = 200; // ms
    static constexpr int kShowInterval = 16; // ms, about one frame at 60 Hz

    ChatController(ConversationStore &store, EngineThread &engine, ModelController &models, SamplingSettings &sampling, QObject *parent = nullptr);
    // Stops a running reply and saves what it has so far.
    ~ChatController() override;

    ConversationListModel *conversations()
    {
        return &m_conversations;
    }
    MessageListModel *messages()
    {
        return &m_messages;
    }
    QString search() const
    {
        return m_search;
    }
    void setSearch(const QString &search);
    qint64 currentConversationId() const
    {
        return m_currentId;
    }
    QString currentTitle() const
    {
        return m_title;
    }
    bool generating() const
    {
        return m_requestId != 0;
    }
    QString systemPrompt() const
    {
        return m_systemPrompt;
    }
    void setSystemPrompt(const QString &text);
    int systemPromptTokens() const
    {
        return m_systemPromptTokens;
    }
    int contextUsed() const
    {
        return m_contextUsed;
    }
    int contextSize() const;
    QString lastError() const
    {
        return m_lastError;
    }
    QString contextNotice() const
    {
        return m_contextNotice;
    }

    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void selectConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString &title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    Q_INVOKABLE void send(const QString &text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();
    Q_INVOKABLE void editMessage(int row, const QString &text);
    Q_INVOKABLE void switchBranch(int row, int delta);
    Q_INVOKABLE void deleteMessage(int row);
    Q_INVOKABLE void copyMessage(int row);
    Q_INVOKABLE void copyText(const QString &text);
    Q_INVOKABLE bool exportConversation(qint64 id, const QUrl &file, const QString &format);

Q_SIGNALS:
    void searchChanged();
    void currentConversationChanged();
    void currentTitleChanged();
    void generatingChanged();
    void systemPromptChanged();
    void contextUsageChanged();
    void contextSizeChanged();
    void lastErrorChanged();
    void contextNoticeChanged();
    // A reply ended (any finish reason, errors included) and is saved.
    void replyFinished(qint64 messageId);

private:
    // Whether a new reply may start now; says why not in lastError.
    bool canGenerate();
    qint64 ensureConversation(const QString &firstMessage);
    void setCurrent(qint64 id);
    void startReply(qint64 parentId);
    void onToken(qint64 requestId, const QString &text);
    void onPromptPrepared(qint64 requestId, int promptTokens, int droppedMessages);
    void finishReply(qint64 requestId, const QVariantMap &stats);
    void saveReply();
    // Moves the tokens that arrived since the last call into the message list and the context meter.
    void showReply();
    void reloadMessages();
    void reloadConversations();
    void measure();
    void setLastError(const QString &text);
    void setContextNotice(const QString &text);
    void setContextUsage(int systemPromptTokens, int contextUsed);
    void saveSampling();

    ConversationStore &m_store;
    EngineThread &m_engine;
    ModelController &m_models;
    SamplingSettings &m_sampling;
    ConversationListModel m_conversations;
    MessageListModel m_messages;

    QString m_search;
    qint64 m_currentId = -1;
    QString m_title;
    QString m_systemPrompt;
    int m_systemPromptTokens = 0;
    int m_contextUsed = 0;
    QString m_lastError;
    QString m_contextNotice;
    bool m_loadingConversation = false; // the sampling settings change because a conversation was opened

    // The reply being generated: request 0 means none.
    qint64 m_requestId = 0;
    qint64 m_lastRequestId = 0;
    qint64 m_replyId = -1;
    qint64 m_replyConversationId = -1;
    QString m_replyText;
    QString m_replyUnshown; // the end of m_replyText that the message list does not show yet
    bool m_replyUnsaved = false;
    int m_replyPromptTokens = 0;
    int m_replyTokens = 0;
    std::stop_source m_stop;
    QTimer m_saveTimer;
    QTimer m_showTimer;
};

} // namespace glassbox::app
