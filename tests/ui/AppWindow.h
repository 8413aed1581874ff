#pragma once

#include "AppCore.h"

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>

#include <memory>

namespace glassbox::app::test
{

// The real app window (qrc:/ui/Main.qml on the real singletons) over a given data folder, wired as
// main.cpp wires it, with what the window tests do to it: find items, click them, type.
class AppWindow
{
public:
    // Loads the window and waits until it is exposed; check error() afterwards.
    explicit AppWindow(const QString &dataFolder);
    // QML lets go of the singletons before they are destroyed, as in main.cpp.
    ~AppWindow();

    // Empty when the window is up.
    QString error() const
    {
        return m_error;
    }
    AppCore &core()
    {
        return *m_core;
    }
    QQuickWindow *window() const
    {
        return m_window;
    }
    QObject *root() const
    {
        return m_root;
    }

    // The first visible item of that name below `under` (the whole window when null), or null. Looks
    // through the visual tree: what views, Loaders and popups create is not always a QObject child.
    QQuickItem *find(const QString &objectName, QQuickItem *under = nullptr) const;
    // All visible items of that name below `under`, in tree order.
    QList<QQuickItem *> findAll(const QString &objectName, QQuickItem *under = nullptr) const;
    // A non-visual object of that name (dialogs) among the QObject children of the window.
    QObject *findObject(const QString &objectName) const;
    // The delegate of the given row of the message list, or null when it is not created.
    QQuickItem *messageBubble(int row) const;

    // A left click in the middle of the item; false when it is not visible and enabled.
    bool click(QQuickItem *item);
    // Key clicks into the item with the active focus.
    void type(const QString &text);

    // The first column of the query's first row, read straight from the SQLite file behind the app's back.
    QVariant stored(const QString &query, const QVariantList &values = {}) const;

private:
    QString m_dataFolder;
    QString m_error;
    std::unique_ptr<AppCore> m_core;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QObject *m_root = nullptr;
    QQuickWindow *m_window = nullptr;
};

// The plain text an item of type TextEdit shows (for markdown, the rendered text, not its source).
QString shownText(QQuickItem *textEdit);

} // namespace glassbox::app::test
