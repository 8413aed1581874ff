#include "ConversationExport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace glassbox::app
{

namespace
{

QString heading(const QString &role)
{
    if (role == QLatin1String("user"))
        return QStringLiteral("User");
    if (role == QLatin1String("assistant"))
        return QStringLiteral("Assistant");
    return role;
}

} // namespace

QString exportMarkdown(const ConversationStore &store, qint64 conversationId)
{
    const std::optional<Conversation> conversation = store.conversation(conversationId);
    if (!conversation)
        return {};
    QString text = QStringLiteral("# %1\n\n").arg(conversation->title);
    if (!conversation->model.isEmpty())
        text += QStringLiteral("Model: %1  \n").arg(conversation->model);
    text += QStringLiteral("Created: %1\n\n").arg(conversation->created.toString(Qt::ISODate));
    if (!conversation->systemPrompt.isEmpty())
        text += QStringLiteral("## System\n\n%1\n\n").arg(conversation->systemPrompt);
    for (const StoredMessage &message : store.selectedPath(conversationId))
        text += QStringLiteral("## %1\n\n%2\n\n").arg(heading(message.role), message.content);
    return text;
}

QByteArray exportJson(const ConversationStore &store, qint64 conversationId)
{
    const std::optional<Conversation> conversation = store.conversation(conversationId);
    if (!conversation)
        return {};
    QJsonArray messages;
    for (const StoredMessage &message : store.allMessages(conversationId)) {
        QJsonObject entry{
            {QStringLiteral("id"), message.id},
            {QStringLiteral("parentId"), message.parentId > 0 ? QJsonValue(message.parentId) : QJsonValue()},
            {QStringLiteral("role"), message.role},
            {QStringLiteral("content"), message.content},
            {QStringLiteral("created"), message.created.toString(Qt::ISODateWithMs)},
        };
        if (!message.statsJson.isEmpty())
            entry.insert(QStringLiteral("stats"), QJsonDocument::fromJson(message.statsJson.toUtf8()).object());
        messages.append(entry);
    }
    QJsonArray path;
    for (const StoredMessage &message : store.selectedPath(conversationId))
        path.append(message.id);
    const QJsonObject root{
        {QStringLiteral("title"), conversation->title},
        {QStringLiteral("model"), conversation->model},
        {QStringLiteral("created"), conversation->created.toString(Qt::ISODateWithMs)},
        {QStringLiteral("updated"), conversation->updated.toString(Qt::ISODateWithMs)},
        {QStringLiteral("systemPrompt"), conversation->systemPrompt},
        {QStringLiteral("sampler"), QJsonDocument::fromJson(conversation->samplerJson.toUtf8()).object()},
        {QStringLiteral("messages"), messages},
        {QStringLiteral("selectedPath"), path},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace glassbox::app
