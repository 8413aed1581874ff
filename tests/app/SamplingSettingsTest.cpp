#include "SamplingSettings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace glassbox::app;

class SamplingSettingsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsWithTheEngineDefaults()
    {
        SamplingSettings settings;
        const glassbox::sampling::SamplerSettings engine;
        QCOMPARE(settings.property("temperature").toDouble(), 0.8);
        QCOMPARE(settings.property("topK").toInt(), engine.topK);
        QCOMPARE(settings.property("topP").toDouble(), 0.95);
        QCOMPARE(settings.property("maxTokens").toInt(), -1);
        QCOMPARE(settings.preset(), QString());
        QVERIFY(!settings.toEngine().seed);
    }

    void appliesPresets()
    {
        SamplingSettings settings;
        QCOMPARE(settings.presets(), (QStringList{QStringLiteral("Precise"), QStringLiteral("Code"), QStringLiteral("Balanced"), QStringLiteral("Creative")}));
        QSignalSpy changed(&settings, &SamplingSettings::changed);
        settings.applyPreset(QStringLiteral("Creative"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(settings.property("temperature").toDouble(), 1.2);
        QCOMPARE(settings.property("topP").toDouble(), 0.98);
        QCOMPARE(settings.preset(), QStringLiteral("Creative"));
        QCOMPARE(settings.toEngine().temperature, 1.2f);

        settings.applyPreset(QStringLiteral("Precise"));
        QCOMPARE(settings.property("temperature").toDouble(), 0.1);
        QCOMPARE(settings.property("topP").toDouble(), 0.9);
        QCOMPARE(settings.preset(), QStringLiteral("Precise"));
        settings.applyPreset(QStringLiteral("Code"));
        QCOMPARE(settings.property("temperature").toDouble(), 0.2);
        settings.applyPreset(QStringLiteral("Balanced"));
        QCOMPARE(settings.property("temperature").toDouble(), 0.7);
        QCOMPARE(settings.preset(), QStringLiteral("Balanced"));

        // A hand edit leaves the preset; the request parameters do not count.
        settings.setProperty("maxTokens", 100);
        QCOMPARE(settings.preset(), QStringLiteral("Balanced"));
        settings.setProperty("topK", 7);
        QCOMPARE(settings.preset(), QString());
        settings.applyPreset(QStringLiteral("no such preset"));
        QCOMPARE(settings.property("topK").toInt(), 7);
    }

    void roundTripsThroughJson()
    {
        SamplingSettings settings;
        settings.applyPreset(QStringLiteral("Precise"));
        settings.setProperty("mirostat", true);
        settings.setProperty("seed", 1234);
        settings.setProperty("fixedSeed", true);
        settings.setProperty("stopStrings", QStringList{QStringLiteral("\nUser:")});
        settings.setProperty("maxTokens", 64);
        const QString json = settings.toJson();
        const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
        QVERIFY(!object.contains(QStringLiteral("preset"))); // derived, not stored
        QCOMPARE(object.value(QStringLiteral("topP")).toDouble(), 0.9);

        SamplingSettings other;
        QSignalSpy changed(&other, &SamplingSettings::changed);
        other.loadJson(json);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(other.toJson(), json);
        QCOMPARE(other.stopStrings(), QStringList{QStringLiteral("\nUser:")});
        QCOMPARE(other.maxTokens(), 64);
        const glassbox::sampling::SamplerSettings engine = other.toEngine();
        QVERIFY(engine.mirostat);
        QCOMPARE(engine.seed.value_or(0), 1234u);
        QCOMPARE(engine.topP, 0.9f);

        // Unknown keys are ignored and missing ones fall back to the defaults.
        other.loadJson(QStringLiteral("{\"temperature\":0.3,\"futureKnob\":5}"));
        QCOMPARE(other.property("temperature").toDouble(), 0.3);
        QCOMPARE(other.maxTokens(), -1);
        QVERIFY(!other.property("mirostat").toBool());
    }

    void explainsEveryParameter()
    {
        SamplingSettings settings;
        const QMetaObject *meta = settings.metaObject();
        for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
            if (meta->property(i).isStored())
                QVERIFY2(!settings.explanation(QLatin1String(meta->property(i).name())).isEmpty(), meta->property(i).name());
        }
        QVERIFY(settings.explanation(QStringLiteral("nonsense")).isEmpty());
    }

    void resets()
    {
        SamplingSettings settings;
        const QString defaults = settings.toJson();
        settings.applyPreset(QStringLiteral("Creative"));
        settings.setProperty("maxTokens", 5);
        settings.reset();
        QCOMPARE(settings.toJson(), defaults);
    }
};

QTEST_GUILESS_MAIN(SamplingSettingsTest)
#include "SamplingSettingsTest.moc"
