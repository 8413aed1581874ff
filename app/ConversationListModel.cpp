#include "ConversationListModel.h"

namespace glassbox::app
{

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_conversations.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Conversation &conversation = m_conversations.at(index.row());
    switch (role) {
    case ConversationIdRole:
        return conversation.id;
    case Qt::DisplayRole:
    case TitleRole:
        return conversation.title;
    case UpdatedAtRole:
        return conversation.updated.toLocalTime();
    case ModelNameRole:
        return conversation.model;
    }
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {
        {ConversationIdRole, "conversationId"},
        {TitleRole, "title"},
        {UpdatedAtRole, "updatedAt"},
        {ModelNameRole, "modelName"},
    };
}

void ConversationListModel::setConversations(const QList<Conversation> &conversations)
{
    const bool countChanges = conversations.size() != m_conversations.size();
    beginResetModel();
    m_conversations = conversations;
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace glassbox::app
