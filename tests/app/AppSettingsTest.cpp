#include "AppSettings.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox::app;

class AppSettingsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hasDefaults()
    {
        QTemporaryDir data;
        AppSettings settings(data.path());
        QCOMPARE(settings.devices().value(0), QStringLiteral("CPU"));
        QCOMPARE(settings.device(), 0);
        QCOMPARE(settings.threads(), 0);
        QCOMPARE(settings.contextSize(), 4096);
        QCOMPARE(settings.kvCache(), QStringLiteral("F16"));
        QCOMPARE(settings.dataFolder(), data.path());
        QCOMPARE(settings.modelFolder(), QDir(data.path()).filePath(QStringLiteral("models")));
    }

    void keepsChangesInTheDataFolder()
    {
        QTemporaryDir data;
        {
            AppSettings settings(data.path());
            QSignalSpy threads(&settings, &AppSettings::threadsChanged);
            QSignalSpy context(&settings, &AppSettings::contextSizeChanged);
            QSignalSpy models(&settings, &AppSettings::modelFolderChanged);
            QSignalSpy cache(&settings, &AppSettings::kvCacheChanged);
            settings.setThreads(3);
            settings.setThreads(3);
            settings.setContextSize(2048);
            settings.setModelFolder(QStringLiteral("/srv/models"));
            settings.setKvCache(QStringLiteral("Q4_0")); // not a cache type: ignored
            settings.setKvCache(QStringLiteral("Q8_0"));
            QCOMPARE(cache.count(), 1);
            QCOMPARE(threads.count(), 1); // only real changes notify
            QCOMPARE(context.count(), 1);
            QCOMPARE(models.count(), 1);
            settings.setThreads(-4);
            QCOMPARE(settings.threads(), 0);
            settings.setThreads(2);
        }
        QVERIFY(QFile::exists(QDir(data.path()).filePath(QStringLiteral("settings.ini"))));
        AppSettings settings(data.path());
        QCOMPARE(settings.threads(), 2);
        QCOMPARE(settings.contextSize(), 2048);
        QCOMPARE(settings.kvCache(), QStringLiteral("Q8_0"));
        QCOMPARE(settings.modelFolder(), QStringLiteral("/srv/models"));
        // The forced data folder wins over a stored choice.
        settings.setDataFolder(QStringLiteral("/elsewhere"));
        QCOMPARE(settings.dataFolder(), data.path());
    }
};

QTEST_GUILESS_MAIN(AppSettingsTest)
#include "AppSettingsTest.moc"
