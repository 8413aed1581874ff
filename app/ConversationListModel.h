#pragma once

#include "ConversationStore.h"

#include <QAbstractListModel>

namespace glassbox::app
{

// Chat.conversations: the stored conversations matching Chat.search, newest first.
class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role { ConversationIdRole = Qt::UserRole + 1, TitleRole, UpdatedAtRole, ModelNameRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setConversations(const QList<Conversation> &conversations);
    const Conversation &conversation(int index) const
    {
        return m_conversations.at(index);
    }

Q_SIGNALS:
    void countChanged();

private:
    QList<Conversation> m_conversations;
};

} // namespace glassbox::app
