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
    // The rows both lists share from the start stay (updated in place); only the rest is replaced.
    // A reset would re-create, and re-render the markdown of, every message on screen each time a
    // reply starts or the branch changes.
    const qsizetype oldCount = m_rows.size();
    qsizetype kept = 0;
    while (kept < rows.size() && kept < m_rows.size() && rows.at(kept).message.id == m_rows.at(kept).message.id)
        ++kept;
    if (kept < m_rows.size()) {
        beginRemoveRows({}, int(kept), int(m_rows.size() - 1));
        m_rows.resize(kept);
        endRemoveRows();
    }
    for (qsizetype row = 0; row < kept; ++row) {
        MessageRow &shown = m_rows[row];
        const MessageRow &wanted = rows.at(row);
        QList<int> roles;
        if (shown.message.role != wanted.message.role)
            roles.append(RoleRole);
        if (shown.message.content != wanted.message.content)
            roles.append({TextRole, Qt::DisplayRole});
        if (shown.streaming != wanted.streaming)
            roles.append(StreamingRole);
        if (shown.branchIndex != wanted.branchIndex)
            roles.append(BranchIndexRole);
        if (shown.branchCount != wanted.branchCount)
            roles.append(BranchCountRole);
        if (shown.stats != wanted.stats)
            roles.append(StatsRole);
        shown = wanted;
        if (!roles.isEmpty())
            Q_EMIT dataChanged(index(int(row)), index(int(row)), roles);
    }
    if (kept < rows.size()) {
        beginInsertRows({}, int(kept), int(rows.size() - 1));
        m_rows.append(rows.mid(kept));
        endInsertRows();
    }
    if (m_rows.size() != oldCount)
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
