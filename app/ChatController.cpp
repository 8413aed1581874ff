#include "ChatController.h"

#include "ConversationExport.h"
#include "ConversationStore.h"
#include "EngineThread.h"
#include "ModelController.h"
#include "SamplingSettings.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace glassbox::app
{

namespace
{

const QString kUser = QStringLiteral("user");
const QString kAssistant = QStringLiteral("assistant");

// The first line of the first message, cut at a word near 60 characters.
QString titleFrom(const QString &text)
{
    QString title = text.section(QLatin1Char('\n'), 0, 0).simplified();
    if (title.size() > 60) {
        const qsizetype space = title.lastIndexOf(QLatin1Char(' '), 60);
        title = title.left(space > 20 ? space : 60) + QStringLiteral("…");
    }
    return title.isEmpty() ? QObject::tr("New chat") : title;
}

QString toJson(const QVariantMap &map)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(map)).toJson(QJsonDocument::Compact));
}

QVariantMap fromJson(const QString &json)
{
    return json.isEmpty() ? QVariantMap() : QJsonDocument::fromJson(json.toUtf8()).object().toVariantMap();
}

} // namespace

ChatController::ChatController(ConversationStore &store, EngineThread &engine, ModelController &models, SamplingSettings &sampling, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_engine(engine)
    , m_models(models)
    , m_sampling(sampling)
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(kSaveInterval);
    connect(&m_saveTimer, &QTimer::timeout, this, &ChatController::saveReply);
    m_showTimer.setSingleShot(true);
    m_showTimer.setInterval(kShowInterval);
    connect(&m_showTimer, &QTimer::timeout, this, &ChatController::showReply);

    EngineWorker *worker = m_engine.worker();
    connect(worker, &EngineWorker::promptPrepared, this, &ChatController::onPromptPrepared);
    connect(worker, &EngineWorker::tokenGenerated, this, &ChatController::onToken);
    connect(worker, &EngineWorker::generationFinished, this, &ChatController::finishReply);
    connect(worker, &EngineWorker::generationFailed, this, [this](qint64 requestId, const QString &error) {
        if (requestId != m_requestId)
            return;
        setLastError(error);
        finishReply(requestId, {{QStringLiteral("finishReason"), QStringLiteral("error")}, {QStringLiteral("error"), error}});
    });
    connect(worker, &EngineWorker::measured, this, [this](int systemPromptTokens, int contextUsed) {
        if (!generating())
            setContextUsage(systemPromptTokens, contextUsed);
    });
    connect(&m_models, &ModelController::sessionContextSizeChanged, this, &ChatController::contextSizeChanged);
    connect(&m_models, &ModelController::stateChanged, this, [this] {
        // A reply in progress would hold the engine: the new model waits behind it otherwise.
        if (!m_models.isReady())
            stop();
        measure();
    });
    connect(&m_sampling, &SamplingSettings::changed, this, &ChatController::saveSampling);
    reloadConversations();
}

ChatController::~ChatController()
{
    if (!generating())
        return;
    m_stop.request_stop();
    saveReply();
    m_store.setMessageStats(m_replyId, toJson({{QStringLiteral("finishReason"), QStringLiteral("cancelled")}}));
}

int ChatController::contextSize() const
{
    return m_models.sessionContextSize();
}

void ChatController::setSearch(const QString &search)
{
    if (m_search == search)
        return;
    m_search = search;
    Q_EMIT searchChanged();
    reloadConversations();
}

void ChatController::setSystemPrompt(const QString &text)
{
    if (m_systemPrompt == text)
        return;
    m_systemPrompt = text;
    if (m_currentId >= 0)
        m_store.setSystemPrompt(m_currentId, text);
    Q_EMIT systemPromptChanged();
    measure();
}

void ChatController::newConversation()
{
    setCurrent(-1);
    if (!m_systemPrompt.isEmpty()) {
        m_systemPrompt.clear();
        Q_EMIT systemPromptChanged();
    }
    reloadMessages();
    measure();
}

void ChatController::selectConversation(qint64 id)
{
    const std::optional<Conversation> conversation = m_store.conversation(id);
    if (!conversation) {
        setLastError(tr("That conversation no longer exists."));
        return;
    }
    setCurrent(id);
    if (m_systemPrompt != conversation->systemPrompt) {
        m_systemPrompt = conversation->systemPrompt;
        Q_EMIT systemPromptChanged();
    }
    if (!conversation->samplerJson.isEmpty()) {
        m_loadingConversation = true;
        m_sampling.loadJson(conversation->samplerJson);
        m_loadingConversation = false;
    }
    setContextNotice({});
    reloadMessages();
    measure();
}

void ChatController::setCurrent(qint64 id)
{
    const QString title = id >= 0 ? m_store.conversation(id).value_or(Conversation()).title : QString();
    if (m_currentId != id) {
        m_currentId = id;
        Q_EMIT currentConversationChanged();
    }
    if (m_title != title) {
        m_title = title;
        Q_EMIT currentTitleChanged();
    }
}

void ChatController::renameConversation(qint64 id, const QString &title)
{
    const QString trimmed = title.simplified();
    if (trimmed.isEmpty() || !m_store.renameConversation(id, trimmed))
        return;
    if (id == m_currentId)
        setCurrent(id);
    reloadConversations();
}

void ChatController::deleteConversation(qint64 id)
{
    if (generating() && id == m_replyConversationId) {
        // The reply's rows are about to go; nothing of it is worth saving.
        m_stop.request_stop();
        m_saveTimer.stop();
        m_showTimer.stop();
        m_replyUnsaved = false;
        m_replyId = -1;
    }
    m_store.deleteConversation(id);
    if (id == m_currentId)
        newConversation();
    reloadConversations();
}

bool ChatController::canGenerate()
{
    if (generating())
        return false;
    if (!m_models.isReady()) {
        setLastError(tr("Load a model first."));
        return false;
    }
    return true;
}

qint64 ChatController::ensureConversation(const QString &firstMessage)
{
    if (m_currentId >= 0)
        return m_currentId;
    const qint64 id = m_store.createConversation(titleFrom(firstMessage), m_models.modelName(), m_systemPrompt, m_sampling.toJson());
    if (id < 0) {
        setLastError(tr("Cannot save the conversation: %1").arg(m_store.errorString()));
        return -1;
    }
    setCurrent(id);
    reloadConversations();
    return id;
}

void ChatController::send(const QString &text)
{
    if (text.trimmed().isEmpty() || !canGenerate())
        return;
    if (ensureConversation(text) < 0)
        return;
    const qint64 parent = m_messages.rowCount() > 0 ? m_messages.row(m_messages.rowCount() - 1).message.id : 0;
    const qint64 userId = m_store.addMessage(m_currentId, parent, kUser, text);
    if (userId < 0) {
        setLastError(tr("Cannot save the message: %1").arg(m_store.errorString()));
        return;
    }
    startReply(userId);
}

void ChatController::regenerate()
{
    if (!canGenerate())
        return;
    // The reply to regenerate is the last one; after a failed or deleted reply the last row is the question itself.
    for (int row = m_messages.rowCount() - 1; row >= 0; --row) {
        const StoredMessage &message = m_messages.row(row).message;
        if (message.role == kUser) {
            startReply(message.id);
            return;
        }
    }
}

void ChatController::editMessage(int row, const QString &text)
{
    if (row < 0 || row >= m_messages.rowCount() || text.trimmed().isEmpty() || generating())
        return;
    const StoredMessage original = m_messages.row(row).message;
    if (original.role != kUser) {
        // An edited reply becomes a sibling with the new text; nothing is generated for it.
        m_store.addMessage(m_currentId, original.parentId, original.role, text);
        reloadMessages();
        measure();
        return;
    }
    if (!canGenerate())
        return;
    const qint64 userId = m_store.addMessage(m_currentId, original.parentId, kUser, text);
    if (userId >= 0)
        startReply(userId);
}

void ChatController::switchBranch(int row, int delta)
{
    if (row < 0 || row >= m_messages.rowCount() || generating())
        return;
    const StoredMessage &message = m_messages.row(row).message;
    const QList<StoredMessage> siblings = m_store.children(m_currentId, message.parentId);
    qsizetype index = 0;
    while (index < siblings.size() && siblings.at(index).id != message.id)
        ++index;
    const qsizetype target = std::clamp<qsizetype>(index + delta, 0, siblings.size() - 1);
    if (target == index)
        return;
    m_store.selectChild(m_currentId, message.parentId, siblings.at(target).id);
    reloadMessages();
    measure();
}

void ChatController::deleteMessage(int row)
{
    if (row < 0 || row >= m_messages.rowCount() || generating())
        return;
    m_store.deleteMessage(m_messages.row(row).message.id);
    reloadMessages();
    reloadConversations();
    measure();
}

void ChatController::copyMessage(int row)
{
    if (row >= 0 && row < m_messages.rowCount())
        copyText(m_messages.row(row).message.content);
}

void ChatController::copyText(const QString &text)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

bool ChatController::exportConversation(qint64 id, const QUrl &file, const QString &format)
{
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    QByteArray bytes;
    if (format == QLatin1String("markdown"))
        bytes = exportMarkdown(m_store, id).toUtf8();
    else if (format == QLatin1String("json"))
        bytes = exportJson(m_store, id);
    else {
        setLastError(tr("Unknown export format '%1' (markdown or json).").arg(format));
        return false;
    }
    if (bytes.isEmpty()) {
        setLastError(tr("That conversation no longer exists."));
        return false;
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        setLastError(tr("Cannot write %1: %2").arg(path, out.errorString()));
        return false;
    }
    return true;
}

void ChatController::stop()
{
    m_stop.request_stop();
}

void ChatController::startReply(qint64 parentId)
{
    const qint64 replyId = m_store.addMessage(m_currentId, parentId, kAssistant, QString());
    if (replyId < 0) {
        setLastError(tr("Cannot save the reply: %1").arg(m_store.errorString()));
        return;
    }
    m_store.setModel(m_currentId, m_models.modelName());
    setLastError({});
    setContextNotice({});
    m_replyId = replyId;
    m_replyConversationId = m_currentId;
    m_replyText.clear();
    m_replyUnshown.clear();
    m_replyUnsaved = false;
    m_replyPromptTokens = 0;
    m_replyTokens = 0;
    m_stop = std::stop_source();
    m_requestId = ++m_lastRequestId;
    reloadMessages();
    reloadConversations();

    GenerationRequest request{.id = m_requestId, .sampler = m_sampling.toEngine(), .stop = m_stop.get_token()};
    if (!m_systemPrompt.isEmpty())
        request.messages.push_back({"system", m_systemPrompt.toStdString()});
    for (int row = 0; row < m_messages.rowCount() && m_messages.row(row).message.id != replyId; ++row) {
        const StoredMessage &message = m_messages.row(row).message;
        request.messages.push_back({message.role.toStdString(), message.content.toStdString()});
    }
    request.options.maxTokens = m_sampling.maxTokens();
    for (const QString &stop : m_sampling.stopStrings())
        if (!stop.isEmpty())
            request.options.stopStrings.push_back(stop.toStdString());
    m_engine.post([worker = m_engine.worker(), request = std::move(request)] {
        worker->generate(request);
    });
    Q_EMIT generatingChanged();
}

void ChatController::onPromptPrepared(qint64 requestId, int promptTokens, int droppedMessages)
{
    if (requestId != m_requestId)
        return;
    m_replyPromptTokens = promptTokens;
    setContextUsage(m_systemPromptTokens, promptTokens);
    setContextNotice(droppedMessages > 0
                         ? tr("The conversation is longer than the context: the %n oldest message(s) were left out of the prompt.", nullptr, droppedMessages)
                         : QString());
}

void ChatController::onToken(qint64 requestId, const QString &text)
{
    if (requestId != m_requestId)
        return;
    m_replyText += text;
    m_replyUnshown += text;
    ++m_replyTokens;
    m_replyUnsaved = true;
    if (!m_saveTimer.isActive())
        m_saveTimer.start();
    if (!m_showTimer.isActive())
        m_showTimer.start();
}

void ChatController::showReply()
{
    m_showTimer.stop();
    const int row = m_messages.rowOf(m_replyId);
    if (row >= 0 && !m_replyUnshown.isEmpty())
        m_messages.appendText(row, m_replyUnshown);
    m_replyUnshown.clear();
    setContextUsage(m_systemPromptTokens, m_replyPromptTokens + m_replyTokens);
}

void ChatController::saveReply()
{
    if (!m_replyUnsaved)
        return;
    m_replyUnsaved = false;
    m_store.setMessageContent(m_replyId, m_replyText);
}

void ChatController::finishReply(qint64 requestId, const QVariantMap &stats)
{
    if (requestId != m_requestId)
        return;
    showReply();
    m_saveTimer.stop();
    saveReply();
    const qint64 replyId = m_replyId;
    if (replyId >= 0)
        m_store.setMessageStats(replyId, toJson(stats));
    m_requestId = 0;
    m_replyId = -1;
    const int row = m_messages.rowOf(replyId);
    if (row >= 0) {
        m_messages.setStreaming(row, false);
        m_messages.setStats(row, stats);
    }
    Q_EMIT generatingChanged();
    reloadConversations();
    measure();
    Q_EMIT replyFinished(replyId);
}

void ChatController::reloadMessages()
{
    QList<MessageRow> rows;
    if (m_currentId >= 0) {
        for (const StoredMessage &message : m_store.selectedPath(m_currentId)) {
            const QList<StoredMessage> siblings = m_store.children(m_currentId, message.parentId);
            MessageRow row{.message = message, .branchCount = static_cast<int>(siblings.size()), .stats = fromJson(message.statsJson)};
            while (row.branchIndex < siblings.size() && siblings.at(row.branchIndex).id != message.id)
                ++row.branchIndex;
            // The store may lag the stream by up to one save interval; the reply's own copy is current.
            if (message.id == m_replyId) {
                row.message.content = m_replyText;
                row.streaming = true;
            }
            rows.append(row);
        }
    }
    m_replyUnshown.clear(); // the reply's row, if any, now holds all of m_replyText
    m_messages.setRows(rows);
}

void ChatController::reloadConversations()
{
    m_conversations.setConversations(m_store.conversations(m_search));
}

void ChatController::measure()
{
    if (!m_models.isReady() || generating()) {
        if (!m_models.isReady())
            setContextUsage(0, 0);
        return;
    }
    std::vector<chat::ChatMessage> messages;
    if (!m_systemPrompt.isEmpty())
        messages.push_back({"system", m_systemPrompt.toStdString()});
    for (int row = 0; row < m_messages.rowCount(); ++row)
        messages.push_back({m_messages.row(row).message.role.toStdString(), m_messages.row(row).message.content.toStdString()});
    if (m_messages.rowCount() == 0)
        messages.clear(); // a system prompt alone is counted as text: not every template renders it without a question
    m_engine.post([worker = m_engine.worker(), messages = std::move(messages), system = m_systemPrompt.toStdString()] {
        worker->measure(messages, system);
    });
}

void ChatController::saveSampling()
{
    if (!m_loadingConversation && m_currentId >= 0)
        m_store.setSamplerJson(m_currentId, m_sampling.toJson());
}

void ChatController::setLastError(const QString &text)
{
    if (m_lastError == text)
        return;
    m_lastError = text;
    Q_EMIT lastErrorChanged();
}

void ChatController::setContextNotice(const QString &text)
{
    if (m_contextNotice == text)
        return;
    m_contextNotice = text;
    Q_EMIT contextNoticeChanged();
}

void ChatController::setContextUsage(int systemPromptTokens, int contextUsed)
{
    if (m_systemPromptTokens == systemPromptTokens && m_contextUsed == contextUsed)
        return;
    m_systemPromptTokens = systemPromptTokens;
    m_contextUsed = contextUsed;
    Q_EMIT contextUsageChanged();
}

} // namespace glassbox::app
