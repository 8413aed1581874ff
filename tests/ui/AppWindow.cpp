#include "AppWindow.h"

#include <QQuickStyle>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

namespace glassbox::app::test
{

namespace
{

void collect(QQuickItem *item, const QString &objectName, QList<QQuickItem *> &found, bool firstOnly)
{
    if (!item->isVisible() || (firstOnly && !found.isEmpty()))
        return;
    if (item->objectName() == objectName)
        found.append(item);
    for (QQuickItem *child : item->childItems())
        collect(child, objectName, found, firstOnly);
}

} // namespace

AppWindow::AppWindow(const QString &dataFolder)
    : m_dataFolder(dataFolder)
{
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Material"));
    m_core = std::make_unique<AppCore>(dataFolder);
    if (!m_core->store.isOpen()) {
        m_error = m_core->store.errorString();
        return;
    }
    m_core->registerQmlSingletons();
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->load(QUrl(QStringLiteral("qrc:/ui/Main.qml")));
    if (m_engine->rootObjects().isEmpty()) {
        m_error = QStringLiteral("qrc:/ui/Main.qml did not load");
        return;
    }
    m_root = m_engine->rootObjects().constFirst();
    m_window = qobject_cast<QQuickWindow *>(m_root);
    if (!m_window) {
        m_error = QStringLiteral("the root object is not a window");
        return;
    }
    m_window->resize(1280, 820);
    m_window->requestActivate();
    if (!QTest::qWaitForWindowExposed(m_window))
        m_error = QStringLiteral("the window was not exposed");
}

AppWindow::~AppWindow()
{
    m_engine.reset();
    m_core.reset();
}

QQuickItem *AppWindow::find(const QString &objectName, QQuickItem *under) const
{
    QList<QQuickItem *> found;
    collect(under ? under : m_window->contentItem(), objectName, found, true);
    return found.value(0);
}

QList<QQuickItem *> AppWindow::findAll(const QString &objectName, QQuickItem *under) const
{
    QList<QQuickItem *> found;
    collect(under ? under : m_window->contentItem(), objectName, found, false);
    return found;
}

QObject *AppWindow::findObject(const QString &objectName) const
{
    return m_root->findChild<QObject *>(objectName);
}

QQuickItem *AppWindow::messageBubble(int row) const
{
    QQuickItem *list = find(QStringLiteral("messageList"));
    QQuickItem *bubble = nullptr;
    if (list)
        QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, bubble), Q_ARG(int, row));
    return bubble;
}

bool AppWindow::click(QQuickItem *item)
{
    if (!item || !item->isVisible() || !item->isEnabled())
        return false;
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    return true;
}

void AppWindow::type(const QString &text)
{
    // Qt 6.4 has keyClicks() for widgets only.
    for (const QChar c : text)
        QTest::keyClick(m_window, c.toLatin1());
}

QVariant AppWindow::stored(const QString &query, const QVariantList &values) const
{
    const QString connection = QStringLiteral("app-window-check");
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(AppCore::databaseFile(m_dataFolder));
        if (db.open()) {
            QSqlQuery sql(db);
            sql.prepare(query);
            for (const QVariant &bound : values)
                sql.addBindValue(bound);
            if (sql.exec() && sql.next())
                value = sql.value(0);
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return value;
}

QString shownText(QQuickItem *textEdit)
{
    QString text;
    if (textEdit) {
        const int length = textEdit->property("length").toInt();
        QMetaObject::invokeMethod(textEdit, "getText", Q_RETURN_ARG(QString, text), Q_ARG(int, 0), Q_ARG(int, length));
    }
    return text;
}

} // namespace glassbox::app::test
