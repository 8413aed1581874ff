#include "ConversationStore.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <algorithm>

namespace glassbox::app
{

namespace
{

Q_LOGGING_CATEGORY(lcStore, "glassbox.store")

// Times are stored as milliseconds since the epoch (UTC): compact, and they sort as numbers.
qint64 toStored(const QDateTime &time)
{
    return time.toMSecsSinceEpoch();
}

QDateTime fromStored(const QVariant &value)
{
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong());
}

// The root level has no parent row; SQL stores NULL there, the API 0.
QVariant parentValue(qint64 parentId)
{
    return parentId > 0 ? QVariant(parentId) : QVariant(QMetaType(QMetaType::LongLong));
}

QString likePattern(const QString &search)
{
    QString escaped = search;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('%'), QLatin1String("\\%")).replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL, and "" is what was meant.
QVariant nonNull(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

const char *const kMessageColumns = "id, conversation_id, parent_id, role, content, created, stats_json";

StoredMessage readMessage(const QSqlQuery &query)
{
    return StoredMessage{
        .id = query.value(0).toLongLong(),
        .conversationId = query.value(1).toLongLong(),
        .parentId = query.value(2).isNull() ? 0 : query.value(2).toLongLong(),
        .role = query.value(3).toString(),
        .content = query.value(4).toString(),
        .created = fromStored(query.value(5)),
        .statsJson = query.value(6).toString(),
    };
}

Conversation readConversation(const QSqlQuery &query)
{
    return Conversation{
        .id = query.value(0).toLongLong(),
        .title = query.value(1).toString(),
        .created = fromStored(query.value(2)),
        .updated = fromStored(query.value(3)),
        .model = query.value(4).toString(),
        .systemPrompt = query.value(5).toString(),
        .samplerJson = query.value(6).toString(),
    };
}

const char *const kConversationColumns = "id, title, created, updated, model, system_prompt, sampler_json";

} // namespace

ConversationStore::ConversationStore(const QString &path)
    : m_connection(QStringLiteral("glassbox-store-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    if (!db.open()) {
        m_error = db.lastError().text();
        qCWarning(lcStore) << "cannot open" << path << m_error;
        return;
    }
    // WAL: the UI reads while streamed tokens are written, and a crash never corrupts the file.
    // synchronous=NORMAL is still durable against a killed process (only power loss can drop the
    // last commits), and keeps the frequent small writes of a streamed reply cheap.
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !exec(QStringLiteral("PRAGMA synchronous=NORMAL"))
        || !exec(QStringLiteral("PRAGMA foreign_keys=ON")) || !createSchema())
        db.close();
}

ConversationStore::~ConversationStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool ConversationStore::isOpen() const
{
    return QSqlDatabase::database(m_connection, false).isOpen();
}

QString ConversationStore::path() const
{
    return QSqlDatabase::database(m_connection, false).databaseName();
}

QString ConversationStore::errorString() const
{
    return m_error;
}

bool ConversationStore::createSchema()
{
    // messages.parent_id cascades, so deleting a message removes its whole subtree; `selected`
    // remembers which sibling is shown under each parent (parent_id 0 for the root level).
    return exec(QStringLiteral("CREATE TABLE IF NOT EXISTS conversations ("
                               "id INTEGER PRIMARY KEY, title TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,"
                               "model TEXT NOT NULL DEFAULT '', system_prompt TEXT NOT NULL DEFAULT '', sampler_json TEXT NOT NULL DEFAULT '')"))
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS messages ("
                               "id INTEGER PRIMARY KEY,"
                               "conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                               "parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
                               "role TEXT NOT NULL, content TEXT NOT NULL, created INTEGER NOT NULL, stats_json TEXT NOT NULL DEFAULT '')"))
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS selected ("
                               "conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                               "parent_id INTEGER NOT NULL,"
                               "child_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
                               "PRIMARY KEY (conversation_id, parent_id))"))
        && exec(QStringLiteral("CREATE INDEX IF NOT EXISTS messages_by_parent ON messages(conversation_id, parent_id)"));
}

bool ConversationStore::exec(const QString &statement, const QVariantList &values) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(statement);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (query.exec())
        return true;
    m_error = query.lastError().text();
    qCWarning(lcStore) << statement << m_error;
    return false;
}

qint64 ConversationStore::createConversation(const QString &title, const QString &model, const QString &systemPrompt, const QString &samplerJson)
{
    const qint64 now = toStored(QDateTime::currentDateTimeUtc());
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT INTO conversations (title, created, updated, model, system_prompt, sampler_json) VALUES (?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value : {nonNull(title), QVariant(now), QVariant(now), nonNull(model), nonNull(systemPrompt), nonNull(samplerJson)})
        query.addBindValue(value);
    if (!query.exec()) {
        m_error = query.lastError().text();
        qCWarning(lcStore) << "create conversation:" << m_error;
        return -1;
    }
    return query.lastInsertId().toLongLong();
}

std::optional<Conversation> ConversationStore::conversation(qint64 id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(QLatin1String(kConversationColumns)));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return readConversation(query);
}

QList<Conversation> ConversationStore::conversations(const QString &search) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    const QString columns = QLatin1String(kConversationColumns);
    if (search.trimmed().isEmpty()) {
        query.prepare(QStringLiteral("SELECT %1 FROM conversations ORDER BY updated DESC, id DESC").arg(columns));
    } else {
        query.prepare(QStringLiteral("SELECT %1 FROM conversations c WHERE c.title LIKE ? ESCAPE '\\' OR EXISTS "
                                     "(SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.content LIKE ? ESCAPE '\\') "
                                     "ORDER BY updated DESC, id DESC")
                          .arg(columns));
        query.addBindValue(likePattern(search.trimmed()));
        query.addBindValue(likePattern(search.trimmed()));
    }
    QList<Conversation> result;
    if (!query.exec()) {
        m_error = query.lastError().text();
        qCWarning(lcStore) << "list conversations:" << m_error;
        return result;
    }
    while (query.next())
        result.append(readConversation(query));
    return result;
}

bool ConversationStore::renameConversation(qint64 id, const QString &title)
{
    return exec(QStringLiteral("UPDATE conversations SET title = ?, updated = ? WHERE id = ?"),
                {nonNull(title), toStored(QDateTime::currentDateTimeUtc()), id});
}

bool ConversationStore::setSystemPrompt(qint64 id, const QString &text)
{
    return exec(QStringLiteral("UPDATE conversations SET system_prompt = ? WHERE id = ?"), {nonNull(text), id});
}

bool ConversationStore::setSamplerJson(qint64 id, const QString &json)
{
    return exec(QStringLiteral("UPDATE conversations SET sampler_json = ? WHERE id = ?"), {nonNull(json), id});
}

bool ConversationStore::setModel(qint64 id, const QString &model)
{
    return exec(QStringLiteral("UPDATE conversations SET model = ? WHERE id = ?"), {nonNull(model), id});
}

bool ConversationStore::deleteConversation(qint64 id)
{
    return exec(QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
}

bool ConversationStore::touch(qint64 conversationId)
{
    return exec(QStringLiteral("UPDATE conversations SET updated = ? WHERE id = ?"), {toStored(QDateTime::currentDateTimeUtc()), conversationId});
}

qint64 ConversationStore::addMessage(qint64 conversationId, qint64 parentId, const QString &role, const QString &content)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content, created) VALUES (?, ?, ?, ?, ?)"));
    for (const QVariant &value :
         {QVariant(conversationId), parentValue(parentId), nonNull(role), nonNull(content), QVariant(toStored(QDateTime::currentDateTimeUtc()))})
        query.addBindValue(value);
    if (!query.exec()) {
        m_error = query.lastError().text();
        qCWarning(lcStore) << "add message:" << m_error;
        db.rollback();
        return -1;
    }
    const qint64 id = query.lastInsertId().toLongLong();
    if (!selectChild(conversationId, parentId, id) || !touch(conversationId)) {
        db.rollback();
        return -1;
    }
    db.commit();
    return id;
}

std::optional<StoredMessage> ConversationStore::message(qint64 id) const
{
    const QList<StoredMessage> found = queryMessages(QStringLiteral("id = ?"), {id});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

bool ConversationStore::setMessageContent(qint64 id, const QString &content)
{
    return exec(QStringLiteral("UPDATE messages SET content = ? WHERE id = ?"), {nonNull(content), id});
}

bool ConversationStore::setMessageStats(qint64 id, const QString &statsJson)
{
    return exec(QStringLiteral("UPDATE messages SET stats_json = ? WHERE id = ?"), {nonNull(statsJson), id});
}

bool ConversationStore::deleteMessage(qint64 id)
{
    const std::optional<StoredMessage> doomed = message(id);
    if (!doomed)
        return false;
    // The cascade also drops the selection that pointed at it; selectedChild() then falls back to the newest sibling.
    return exec(QStringLiteral("DELETE FROM messages WHERE id = ?"), {id}) && touch(doomed->conversationId);
}

QList<StoredMessage> ConversationStore::children(qint64 conversationId, qint64 parentId) const
{
    if (parentId > 0)
        return queryMessages(QStringLiteral("conversation_id = ? AND parent_id = ?"), {conversationId, parentId});
    return queryMessages(QStringLiteral("conversation_id = ? AND parent_id IS NULL"), {conversationId});
}

bool ConversationStore::selectChild(qint64 conversationId, qint64 parentId, qint64 childId)
{
    return exec(QStringLiteral("INSERT OR REPLACE INTO selected (conversation_id, parent_id, child_id) VALUES (?, ?, ?)"),
                {conversationId, std::max<qint64>(parentId, 0), childId});
}

qint64 ConversationStore::selectedChild(qint64 conversationId, qint64 parentId) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT child_id FROM selected WHERE conversation_id = ? AND parent_id = ?"));
    query.addBindValue(conversationId);
    query.addBindValue(std::max<qint64>(parentId, 0));
    if (query.exec() && query.next())
        return query.value(0).toLongLong();
    const QList<StoredMessage> siblings = children(conversationId, parentId);
    return siblings.isEmpty() ? 0 : siblings.last().id;
}

QList<StoredMessage> ConversationStore::selectedPath(qint64 conversationId) const
{
    QList<StoredMessage> path;
    for (qint64 id = selectedChild(conversationId, 0); id > 0; id = selectedChild(conversationId, id)) {
        const std::optional<StoredMessage> next = message(id);
        if (!next)
            break;
        path.append(*next);
    }
    return path;
}

QList<StoredMessage> ConversationStore::allMessages(qint64 conversationId) const
{
    return queryMessages(QStringLiteral("conversation_id = ?"), {conversationId});
}

QList<StoredMessage> ConversationStore::queryMessages(const QString &where, const QVariantList &values) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM messages WHERE %2 ORDER BY id").arg(QLatin1String(kMessageColumns), where));
    for (const QVariant &value : values)
        query.addBindValue(value);
    QList<StoredMessage> result;
    if (!query.exec()) {
        m_error = query.lastError().text();
        qCWarning(lcStore) << "read messages:" << m_error;
        return result;
    }
    while (query.next())
        result.append(readMessage(query));
    return result;
}

} // namespace glassbox::app
