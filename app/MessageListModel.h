#pragma once

#include "ConversationStore.h"

#include <QAbstractListModel>
#include <QVariantMap>

namespace glassbox::app
{

// One message of the branch on screen, with where it sits among its siblings.
struct MessageRow {
    StoredMessage message;
    int branchIndex = 0;
    int branchCount = 1;
    bool streaming = false;
    QVariantMap stats;
};

// Chat.messages: the current branch of the conversation, root first.
class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role { MessageIdRole = Qt::UserRole + 1, RoleRole, TextRole, StreamingRole, BranchIndexRole, BranchCountRole, StatsRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRows(const QList<MessageRow> &rows);
    const MessageRow &row(int index) const
    {
        return m_rows.at(index);
    }
    // -1 when the message is not on the branch shown.
    int rowOf(qint64 messageId) const;
    void appendText(int index, const QString &text);
    void setStreaming(int index, bool streaming);
    void setStats(int index, const QVariantMap &stats);

Q_SIGNALS:
    void countChanged();

private:
    QList<MessageRow> m_rows;
};

} // namespace glassbox::app
