// Branches in the real window with the real model: editing a question and regenerating a reply
// each make a sibling, and the "‹ n/m ›" switcher shows the right text and remembers the choice
// in the SQLite file.

#include "AppWindow.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;
using namespace glassbox::app::test;

namespace
{

const QString kModel = QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");
constexpr int kTimeout = 300000; // ms: generation under the sanitizers on a busy machine

} // namespace

class BranchSwitchingTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void editingAQuestionMakesASibling();
    void switchingShowsEachQuestionWithItsReply();
    void regeneratingMakesASiblingReply();
    void cleanupTestCase();

private:
    // The text the bubble of that row shows: the plain text of a question, the rendered reply.
    QString shown(int row) const;
    // "2/3", or "" when the switcher is hidden (a message without siblings).
    QString branchLabel(int row) const;
    bool clickIn(int row, const QString &objectName);
    // The sibling the SQLite file has selected under `parentId` (0: the root).
    qint64 storedSelection(qint64 parentId) const;
    // Clicks the button and waits until the reply it starts is finished and saved.
    bool clickAndWaitForReply(int row, const QString &objectName);

    QTemporaryDir m_dataFolder;
    qint64 m_conversation = -1;
    qint64 m_firstQuestion = -1;
    std::unique_ptr<AppWindow> m_app;
};

void BranchSwitchingTest::initTestCase()
{
    QVERIFY(m_dataFolder.isValid());
    QVERIFY2(QFile::exists(kModel), qPrintable(kModel));
    QCoreApplication::setApplicationName(QStringLiteral("glassbox-branch-switching-test"));
    {
        ConversationStore store(AppCore::databaseFile(m_dataFolder.path()));
        QVERIFY(store.isOpen());
        m_conversation = store.createConversation(QStringLiteral("Story"), QStringLiteral("stories260K"), {}, {});
        m_firstQuestion = store.addMessage(m_conversation, 0, QStringLiteral("user"), QStringLiteral("Tell me about a dog."));
        store.addMessage(m_conversation, m_firstQuestion, QStringLiteral("assistant"), QStringLiteral("The dog ran *fast*."));
    }
    m_app = std::make_unique<AppWindow>(m_dataFolder.path());
    QVERIFY2(m_app->error().isEmpty(), qPrintable(m_app->error()));
    m_app->core().models.openPath(kModel);
    QTRY_COMPARE_WITH_TIMEOUT(m_app->core().models.state(), QStringLiteral("ready"), kTimeout);
    m_app->core().sampling.setProperty("maxTokens", 8);

    QTRY_VERIFY(m_app->find(QStringLiteral("conversationRow")));
    QVERIFY(m_app->click(m_app->find(QStringLiteral("conversationRow"))));
    QTRY_COMPARE(m_app->core().chat.currentConversationId(), m_conversation);
    QTRY_COMPARE(shown(1), QStringLiteral("The dog ran fast."));
    QCOMPARE(shown(0), QStringLiteral("Tell me about a dog."));
    QCOMPARE(branchLabel(0), QString());
}

void BranchSwitchingTest::editingAQuestionMakesASibling()
{
    QVERIFY(clickIn(0, QStringLiteral("editButton")));
    QQuickItem *editor = m_app->find(QStringLiteral("messageEditor"), m_app->messageBubble(0));
    QVERIFY(editor);
    QCOMPARE(editor->property("text").toString(), QStringLiteral("Tell me about a dog."));
    QTRY_VERIFY(editor->hasActiveFocus());
    QTest::keyClick(m_app->window(), Qt::Key_A, Qt::ControlModifier);
    m_app->type(QStringLiteral("Tell me about a cat."));
    QCOMPARE(editor->property("text").toString(), QStringLiteral("Tell me about a cat."));
    QVERIFY(clickAndWaitForReply(0, QStringLiteral("saveEditButton")));

    QTRY_COMPARE(shown(0), QStringLiteral("Tell me about a cat."));
    QCOMPARE(branchLabel(0), QStringLiteral("2/2"));
    QCOMPARE(branchLabel(1), QString()); // the new question's reply has no sibling
    const QString reply = m_app->stored(QStringLiteral("SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC")).toString();
    QVERIFY(!reply.trimmed().isEmpty());
    QTRY_VERIFY(!shown(1).isEmpty());
    QCOMPARE(m_app->stored(QStringLiteral("SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND role = 'user'"), {m_conversation}).toInt(), 2);
    QCOMPARE(m_app->stored(QStringLiteral("SELECT content FROM messages WHERE id = ?"), {storedSelection(0)}).toString(), QStringLiteral("Tell me about a cat."));
}

void BranchSwitchingTest::switchingShowsEachQuestionWithItsReply()
{
    const QString newReply = m_app->core().chat.messages()->row(1).message.content;
    QVERIFY(clickIn(0, QStringLiteral("previousBranchButton")));
    QTRY_COMPARE(shown(0), QStringLiteral("Tell me about a dog."));
    QCOMPARE(branchLabel(0), QStringLiteral("1/2"));
    QTRY_COMPARE(shown(1), QStringLiteral("The dog ran fast."));
    QCOMPARE(storedSelection(0), m_firstQuestion);

    QVERIFY(clickIn(0, QStringLiteral("nextBranchButton")));
    QTRY_COMPARE(shown(0), QStringLiteral("Tell me about a cat."));
    QCOMPARE(branchLabel(0), QStringLiteral("2/2"));
    QTRY_COMPARE(m_app->core().chat.messages()->row(1).message.content, newReply);
    QVERIFY(storedSelection(0) != m_firstQuestion);
}

void BranchSwitchingTest::regeneratingMakesASiblingReply()
{
    const qint64 question = m_app->core().chat.messages()->row(0).message.id;
    const qint64 firstReply = m_app->core().chat.messages()->row(1).message.id;
    QVERIFY(clickAndWaitForReply(1, QStringLiteral("regenerateButton")));
    QTRY_COMPARE(branchLabel(1), QStringLiteral("2/2"));
    const qint64 secondReply = m_app->core().chat.messages()->row(1).message.id;
    QVERIFY(secondReply > firstReply);
    QCOMPARE(storedSelection(question), secondReply);
    const auto storedText = [&](qint64 id) {
        return m_app->stored(QStringLiteral("SELECT content FROM messages WHERE id = ?"), {id}).toString();
    };
    QCOMPARE(m_app->core().chat.messages()->row(1).message.content, storedText(secondReply));

    QVERIFY(clickIn(1, QStringLiteral("previousBranchButton")));
    QTRY_COMPARE(branchLabel(1), QStringLiteral("1/2"));
    QCOMPARE(m_app->core().chat.messages()->row(1).message.id, firstReply);
    QCOMPARE(m_app->core().chat.messages()->row(1).message.content, storedText(firstReply));
    QCOMPARE(storedSelection(question), firstReply);
    QCOMPARE(shown(0), QStringLiteral("Tell me about a cat.")); // the question stays
}

void BranchSwitchingTest::cleanupTestCase()
{
    m_app.reset();
}

QString BranchSwitchingTest::shown(int row) const
{
    QQuickItem *bubble = m_app->messageBubble(row);
    if (!bubble)
        return {};
    if (QQuickItem *plain = m_app->find(QStringLiteral("plainText"), bubble))
        return shownText(plain);
    QStringList segments;
    for (QQuickItem *segment : m_app->findAll(QStringLiteral("replyText"), bubble))
        segments.append(shownText(segment));
    return segments.join(QLatin1Char('\n'));
}

QString BranchSwitchingTest::branchLabel(int row) const
{
    QQuickItem *bubble = m_app->messageBubble(row);
    QQuickItem *label = bubble ? m_app->find(QStringLiteral("branchLabel"), bubble) : nullptr;
    return label ? label->property("text").toString() : QString();
}

bool BranchSwitchingTest::clickIn(int row, const QString &objectName)
{
    QQuickItem *bubble = m_app->messageBubble(row);
    return bubble && m_app->click(m_app->find(objectName, bubble));
}

qint64 BranchSwitchingTest::storedSelection(qint64 parentId) const
{
    return m_app->stored(QStringLiteral("SELECT child_id FROM selected WHERE conversation_id = ? AND parent_id = ?"), {m_conversation, parentId})
        .toLongLong();
}

bool BranchSwitchingTest::clickAndWaitForReply(int row, const QString &objectName)
{
    QSignalSpy finished(&m_app->core().chat, &ChatController::replyFinished);
    return clickIn(row, objectName) && finished.wait(kTimeout) && m_app->core().chat.lastError().isEmpty();
}

QTEST_MAIN(BranchSwitchingTest)

#include "BranchSwitchingTest.moc"
