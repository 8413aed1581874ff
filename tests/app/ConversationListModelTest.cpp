// ConversationListModel::setConversations updates the list in place (moves, inserts, removals and
// changed rows) instead of resetting it, so the sidebar keeps its rows when a reply starts or ends.

#include "ConversationListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace glassbox::app;

namespace
{

Conversation conversation(qint64 id, const QString &title, qint64 updatedSeconds)
{
    return Conversation{.id = id, .title = title, .updated = QDateTime::fromSecsSinceEpoch(updatedSeconds, Qt::UTC)};
}

QList<qint64> ids(const ConversationListModel &model)
{
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.conversation(row).id);
    return result;
}

} // namespace

class ConversationListModelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<ConversationListModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_model->setConversations({conversation(3, QStringLiteral("C"), 30), conversation(2, QStringLiteral("B"), 20), conversation(1, QStringLiteral("A"), 10)});
        QCOMPARE(ids(*m_model), (QList<qint64>{3, 2, 1}));
    }

    void aConversationThatWasUpdatedMovesToTheTop()
    {
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy moved(m_model.get(), &QAbstractItemModel::rowsMoved);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy count(m_model.get(), &ConversationListModel::countChanged);
        m_model->setConversations({conversation(1, QStringLiteral("A"), 40), conversation(3, QStringLiteral("C"), 30), conversation(2, QStringLiteral("B"), 20)});
        QCOMPARE(ids(*m_model), (QList<qint64>{1, 3, 2}));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(moved.count(), 1);
        QCOMPARE(changed.count(), 1); // only A's time changed
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(count.count(), 0);
        QCOMPARE(m_model->data(m_model->index(0), ConversationListModel::UpdatedAtRole).toDateTime(), QDateTime::fromSecsSinceEpoch(40, Qt::UTC));
    }

    void anUnchangedListSaysNothing()
    {
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy moved(m_model.get(), &QAbstractItemModel::rowsMoved);
        m_model->setConversations({conversation(3, QStringLiteral("C"), 30), conversation(2, QStringLiteral("B"), 20), conversation(1, QStringLiteral("A"), 10)});
        QCOMPARE(changed.count(), 0);
        QCOMPARE(moved.count(), 0);
    }

    void newAndDeletedConversationsAreInsertedAndRemoved()
    {
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy count(m_model.get(), &ConversationListModel::countChanged);
        m_model->setConversations({conversation(4, QStringLiteral("D"), 50), conversation(3, QStringLiteral("C renamed"), 30), conversation(1, QStringLiteral("A"), 10)});
        QCOMPARE(ids(*m_model), (QList<qint64>{4, 3, 1}));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_model->data(m_model->index(1), ConversationListModel::TitleRole).toString(), QStringLiteral("C renamed"));
        QCOMPARE(count.count(), 0); // three before, three after

        m_model->setConversations({});
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(count.count(), 1);
    }

private:
    std::unique_ptr<ConversationListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(ConversationListModelTest)

#include "ConversationListModelTest.moc"
