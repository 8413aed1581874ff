// MessageListModel::setRows keeps the rows that stay on screen (updating them in place) and
// replaces only the rest, so the views keep their delegates when a reply starts or a branch changes.

#include "MessageListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace glassbox::app;

namespace
{

MessageRow row(qint64 id, const QString &role, const QString &content)
{
    return MessageRow{.message = StoredMessage{.id = id, .role = role, .content = content}};
}

} // namespace

class MessageListModelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<MessageListModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_model->setRows({row(1, QStringLiteral("user"), QStringLiteral("Hi")), row(2, QStringLiteral("assistant"), QStringLiteral("Hello"))});
    }

    void appendingAReplyInsertsOnlyItsRow()
    {
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy count(m_model.get(), &MessageListModel::countChanged);
        QList<MessageRow> rows = {row(1, QStringLiteral("user"), QStringLiteral("Hi")), row(2, QStringLiteral("assistant"), QStringLiteral("Hello")),
                                  row(3, QStringLiteral("user"), QStringLiteral("More")), row(4, QStringLiteral("assistant"), {})};
        rows[3].streaming = true;
        m_model->setRows(rows);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 0); // the first two rows did not change
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(inserted.at(0).at(2).toInt(), 3);
        QCOMPARE(count.count(), 1);
        QCOMPARE(m_model->rowCount(), 4);
        QVERIFY(m_model->data(m_model->index(3), MessageListModel::StreamingRole).toBool());
    }

    void aKeptRowThatChangedSaysWhichRoles()
    {
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        MessageRow reply = row(2, QStringLiteral("assistant"), QStringLiteral("Hello there"));
        reply.branchCount = 2;
        m_model->setRows({row(1, QStringLiteral("user"), QStringLiteral("Hi")), reply});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        const auto roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(MessageListModel::TextRole));
        QVERIFY(roles.contains(MessageListModel::BranchCountRole));
        QVERIFY(!roles.contains(MessageListModel::StatsRole));
        QCOMPARE(m_model->data(m_model->index(1), MessageListModel::TextRole).toString(), QStringLiteral("Hello there"));
    }

    void anotherBranchReplacesTheRowsFromWhereItDiffers()
    {
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy count(m_model.get(), &MessageListModel::countChanged);
        m_model->setRows({row(1, QStringLiteral("user"), QStringLiteral("Hi")), row(5, QStringLiteral("assistant"), QStringLiteral("Hey"))});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 1);
        QCOMPARE(count.count(), 0);
        QCOMPARE(m_model->row(1).message.id, 5);
        QCOMPARE(m_model->rowOf(2), -1);
    }

    void anEmptyListRemovesEverything()
    {
        QSignalSpy count(m_model.get(), &MessageListModel::countChanged);
        m_model->setRows({});
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(count.count(), 1);
    }

private:
    std::unique_ptr<MessageListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(MessageListModelTest)

#include "MessageListModelTest.moc"
