#include "MessageListModel.h"

namespace glassbox::app
{

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MessageRow &row = m_rows.at(index.row());
    switch (role) {
    case MessageIdRole:
        return row.message.id;
    case RoleRole:
        return row.message.role;
    case Qt::DisplayRole:
    case TextRole:
        return row.message.content;
    case StreamingRole:
        return row.streaming;
    case BranchIndexRole:
        return row.branchIndex;
    case BranchCountRole:
        return row.branchCount;
    case StatsRole:
        return row.stats;
    }
    return {};
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {
        {MessageIdRole, "messageId"},
        {RoleRole, "role"},
        {TextRole, "text"},
        {StreamingRole, "streaming"},
        {BranchIndexRole, "branchIndex"},
        {BranchCountRole, "branchCount"},
        {StatsRole, "stats"},
    };
}

void MessageListModel::setRows(const QList<MessageRow> &rows)
{
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

int MessageListModel::rowOf(qint64 messageId) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).message.id == messageId)
            return i;
    return -1;
}

void MessageListModel::appendText(int index, const QString &text)
{
    m_rows[index].message.content += text;
    Q_EMIT dataChanged(this->index(index), this->index(index), {TextRole, Qt::DisplayRole});
}

void MessageListModel::setStreaming(int index, bool streaming)
{
    m_rows[index].streaming = streaming;
    Q_EMIT dataChanged(this->index(index), this->index(index), {StreamingRole});
}

void MessageListModel::setStats(int index, const QVariantMap &stats)
{
    m_rows[index].stats = stats;
    Q_EMIT dataChanged(this->index(index), this->index(index), {StatsRole});
}

} // namespace glassbox::app
