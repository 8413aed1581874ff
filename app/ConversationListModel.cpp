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
    // Updated in place rather than reset: a reset re-creates every row of the sidebar (each with its
    // menu), and the list is reloaded whenever a reply starts or ends.
    const qsizetype oldCount = m_conversations.size();
    const auto rowOf = [](const QList<Conversation> &list, qint64 id, qsizetype from) {
        while (from < list.size() && list.at(from).id != id)
            ++from;
        return from;
    };
    for (qsizetype row = m_conversations.size() - 1; row >= 0; --row) {
        if (rowOf(conversations, m_conversations.at(row).id, 0) == conversations.size()) {
            beginRemoveRows({}, int(row), int(row));
            m_conversations.removeAt(row);
            endRemoveRows();
        }
    }
    for (qsizetype row = 0; row < conversations.size(); ++row) {
        const Conversation &wanted = conversations.at(row);
        const qsizetype from = rowOf(m_conversations, wanted.id, row);
        if (from == m_conversations.size()) {
            beginInsertRows({}, int(row), int(row));
            m_conversations.insert(row, wanted);
            endInsertRows();
            continue;
        }
        if (from != row) {
            beginMoveRows({}, int(from), int(from), {}, int(row));
            m_conversations.move(from, row);
            endMoveRows();
        }
        Conversation &shown = m_conversations[row];
        const bool changed = shown.title != wanted.title || shown.updated != wanted.updated || shown.model != wanted.model;
        shown = wanted;
        if (changed)
            Q_EMIT dataChanged(index(int(row)), index(int(row)), {Qt::DisplayRole, TitleRole, UpdatedAtRole, ModelNameRole});
    }
    if (m_conversations.size() != oldCount)
        Q_EMIT countChanged();
}

} // namespace glassbox::app
