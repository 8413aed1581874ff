#include "ModelCatalog.h"
#include "util/Error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using glassbox::Error;
using glassbox::app::CatalogEntry;
using glassbox::app::ModelCatalog;

class ModelCatalogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInEntriesAreWellFormed()
    {
        const ModelCatalog catalog = ModelCatalog::builtIn();
        QVERIFY(catalog.entries().size() >= 2);
        const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
        for (const CatalogEntry &entry : catalog.entries()) {
            QVERIFY(!entry.name.isEmpty());
            QVERIFY(entry.file.endsWith(QLatin1String(".gguf")));
            QVERIFY(entry.sizeBytes > 0);
            QVERIFY(!entry.license.isEmpty());
            QVERIFY(hex64.match(entry.sha256).hasMatch());
            QVERIFY(!entry.sources.isEmpty());
            for (const auto &source : entry.sources) {
                QCOMPARE(source.url.scheme(), QStringLiteral("https"));
                QVERIFY(!source.url.host().isEmpty());
                QVERIFY(source.sizeBytes > 0);
            }
        }
    }

    // The catalog's size and sha256 are those of the files scripts/fetch-models.py puts in its cache
    // (checked when they are there, since tests do not reach the network).
    void matchesCachedModels()
    {
        QString cache = qEnvironmentVariable("GLASSBOX_MODEL_DIR");
        if (cache.isEmpty()) {
            const QString base = qEnvironmentVariable("XDG_CACHE_HOME", QDir::homePath() + QStringLiteral("/.cache"));
            cache = base + QStringLiteral("/glassbox/models");
        }
        int checked = 0;
        const ModelCatalog catalog = ModelCatalog::builtIn();
        for (const CatalogEntry &entry : catalog.entries()) {
            QFile file(QDir(cache).filePath(entry.file));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            QCOMPARE(file.size(), entry.sizeBytes);
            QCryptographicHash hash(QCryptographicHash::Sha256);
            QVERIFY(hash.addData(&file));
            QCOMPARE(QString::fromLatin1(hash.result().toHex()), entry.sha256);
            ++checked;
        }
        if (checked == 0)
            QSKIP("no cached model (scripts/fetch-models.py all)");
    }

    void exposesVariantList()
    {
        const ModelCatalog catalog = ModelCatalog::builtIn();
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const CatalogEntry &first = catalog.entries().first();
        QVariantList list = catalog.toVariantList(folder.path());
        QCOMPARE(list.size(), catalog.entries().size());
        QVariantMap map = list.first().toMap();
        QCOMPARE(map.value(QStringLiteral("name")).toString(), first.name);
        QCOMPARE(map.value(QStringLiteral("sizeBytes")).toLongLong(), first.sizeBytes);
        QCOMPARE(map.value(QStringLiteral("license")).toString(), first.license);
        QCOMPARE(map.value(QStringLiteral("url")).toString(), first.sources.first().url.toString());
        QCOMPARE(map.value(QStringLiteral("sha256")).toString(), first.sha256);
        QCOMPARE(map.value(QStringLiteral("downloaded")).toBool(), false);

        QFile file(folder.filePath(first.file)); // sparse: only its size matters here
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(first.sizeBytes));
        file.close();
        QCOMPARE(catalog.toVariantList(folder.path()).first().toMap().value(QStringLiteral("downloaded")).toBool(), true);
    }

    void rejectsMalformedEntries_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const QJsonObject source{{QStringLiteral("url"), QStringLiteral("https://example.org/m.gguf")}, {QStringLiteral("sizeBytes"), 10}};
        const QJsonObject valid{{QStringLiteral("name"), QStringLiteral("M")},
                                {QStringLiteral("file"), QStringLiteral("m.gguf")},
                                {QStringLiteral("sizeBytes"), 10},
                                {QStringLiteral("license"), QStringLiteral("MIT")},
                                {QStringLiteral("sha256"), QString(64, QLatin1Char('a'))},
                                {QStringLiteral("sources"), QJsonArray{source}}};
        const auto with = [&](const QString &key, const QJsonValue &value) {
            QJsonObject entry = valid;
            if (value.isUndefined())
                entry.remove(key);
            else
                entry.insert(key, value);
            return QJsonDocument(QJsonObject{{QStringLiteral("models"), QJsonArray{entry}}}).toJson();
        };
        QJsonObject httpSource = source;
        httpSource.insert(QStringLiteral("url"), QStringLiteral("http://example.org/m.gguf"));
        QVERIFY(ModelCatalog::fromJson(with(QStringLiteral("name"), QStringLiteral("M"))).entries().size() == 1);
        QTest::newRow("not json") << QByteArray("{") << QStringLiteral("offset");
        QTest::newRow("no models") << QByteArray("{}") << QStringLiteral("\"models\" array");
        QTest::newRow("no file") << with(QStringLiteral("file"), QJsonValue::Undefined) << QStringLiteral("entry 0 (M): \"file\" must be a non-empty string");
        QTest::newRow("path in file") << with(QStringLiteral("file"), QStringLiteral("../m.gguf")) << QStringLiteral("plain file name");
        QTest::newRow("bad size") << with(QStringLiteral("sizeBytes"), 0) << QStringLiteral("\"sizeBytes\" must be a positive integer");
        QTest::newRow("short sha") << with(QStringLiteral("sha256"), QStringLiteral("abc")) << QStringLiteral("64 lowercase hex");
        QTest::newRow("http url") << with(QStringLiteral("sources"), QJsonArray{httpSource}) << QStringLiteral("source 0: \"url\" must be an https URL");
        QTest::newRow("no sources") << with(QStringLiteral("sources"), QJsonArray{}) << QStringLiteral("at least one download");
    }

    void rejectsMalformedEntries()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        try {
            ModelCatalog::fromJson(json);
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(message), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(ModelCatalogTest)
#include "ModelCatalogTest.moc"
