#include "AppCore.h"

#include <QDir>
#include <QtQml>

namespace glassbox::app
{

AppCore::AppCore(const QString &dataFolder)
    : settings(dataFolder)
    , store(databaseFile(settings.dataFolder()))
    , models(engine, settings)
    , chat(store, engine, models, sampling)
{
}

QString AppCore::databaseFile(const QString &dataFolder)
{
    return QDir(dataFolder).filePath(QStringLiteral("conversations.sqlite"));
}

void AppCore::registerQmlSingletons()
{
    qmlRegisterSingletonInstance("Glassbox", 1, 0, "Chat", &chat);
    qmlRegisterSingletonInstance("Glassbox", 1, 0, "Models", &models);
    qmlRegisterSingletonInstance("Glassbox", 1, 0, "Sampling", &sampling);
    qmlRegisterSingletonInstance("Glassbox", 1, 0, "Settings", &settings);
}

} // namespace glassbox::app
