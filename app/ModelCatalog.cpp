#include "ModelCatalog.h"

#include "util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QVariantMap>

namespace glassbox::app
{

namespace
{

[[noreturn]] void fail(const QString &where, const QString &what)
{
    throw Error(QStringLiteral("model catalog: %1: %2").arg(where, what).toStdString());
}

QString text(const QJsonObject &object, const QString &key, const QString &where)
{
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().isEmpty())
        fail(where, QStringLiteral("\"%1\" must be a non-empty string").arg(key));
    return value.toString();
}

qint64 positiveSize(const QJsonObject &object, const QString &key, const QString &where)
{
    // JSON numbers are doubles: exact for integers up to 2^53, far above any model size.
    const QJsonValue value = object.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number != static_cast<double>(static_cast<qint64>(number)))
        fail(where, QStringLiteral("\"%1\" must be a positive integer").arg(key));
    return static_cast<qint64>(number);
}

QUrl httpsUrl(const QJsonObject &object, const QString &where)
{
    const QUrl url(text(object, QStringLiteral("url"), where), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("https") || url.host().isEmpty())
        fail(where, QStringLiteral("\"url\" must be an https URL"));
    return url;
}

CatalogEntry parseEntry(const QJsonObject &object, int index)
{
    CatalogEntry entry;
    const QString where = QStringLiteral("entry %1").arg(index);
    entry.name = text(object, QStringLiteral("name"), where);
    const QString named = QStringLiteral("%1 (%2)").arg(where, entry.name);
    entry.file = text(object, QStringLiteral("file"), named);
    // The file name is joined to the model folder: it must not climb out of it.
    if (QFileInfo(entry.file).fileName() != entry.file || entry.file.startsWith(QLatin1Char('.')))
        fail(named, QStringLiteral("\"file\" must be a plain file name"));
    entry.sizeBytes = positiveSize(object, QStringLiteral("sizeBytes"), named);
    entry.license = text(object, QStringLiteral("license"), named);
    entry.sha256 = text(object, QStringLiteral("sha256"), named);
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex64.match(entry.sha256).hasMatch())
        fail(named, QStringLiteral("\"sha256\" must be 64 lowercase hex digits"));
    const QJsonArray sources = object.value(QStringLiteral("sources")).toArray();
    if (sources.isEmpty())
        fail(named, QStringLiteral("\"sources\" must list at least one download"));
    for (qsizetype i = 0; i < sources.size(); ++i) {
        const QJsonObject source = sources.at(i).toObject();
        const QString at = QStringLiteral("%1 source %2").arg(named).arg(i);
        ModelSource parsed;
        parsed.url = httpsUrl(source, at);
        parsed.sizeBytes = positiveSize(source, QStringLiteral("sizeBytes"), at);
        if (source.contains(QStringLiteral("archiveMember")))
            parsed.archiveMember = text(source, QStringLiteral("archiveMember"), at);
        entry.sources.append(parsed);
    }
    if (entry.sources.size() == 1 && entry.sources.first().archiveMember.isEmpty() && entry.sources.first().sizeBytes != entry.sizeBytes)
        fail(named, QStringLiteral("a single plain source must have the model's size"));
    return entry;
}

} // namespace

qint64 CatalogEntry::downloadBytes() const
{
    qint64 total = 0;
    for (const ModelSource &source : sources)
        total += source.sizeBytes;
    return total;
}

ModelCatalog ModelCatalog::builtIn()
{
    QFile file(QStringLiteral(":/glassbox/catalog.json"));
    if (!file.open(QIODevice::ReadOnly))
        fail(file.fileName(), file.errorString());
    return fromJson(file.readAll());
}

ModelCatalog ModelCatalog::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        fail(QStringLiteral("offset %1").arg(error.offset), error.errorString());
    const QJsonValue models = document.object().value(QStringLiteral("models"));
    if (!models.isArray())
        fail(QStringLiteral("top level"), QStringLiteral("expected an object with a \"models\" array"));
    ModelCatalog catalog;
    const QJsonArray array = models.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            fail(QStringLiteral("entry %1").arg(i), QStringLiteral("expected an object"));
        catalog.m_entries.append(parseEntry(array.at(i).toObject(), static_cast<int>(i)));
    }
    return catalog;
}

QVariantList ModelCatalog::toVariantList(const QString &modelFolder) const
{
    QVariantList list;
    for (const CatalogEntry &entry : m_entries) {
        const QFileInfo file(QDir(modelFolder).filePath(entry.file));
        list.append(QVariantMap{
            {QStringLiteral("name"), entry.name},
            {QStringLiteral("sizeBytes"), entry.sizeBytes},
            {QStringLiteral("license"), entry.license},
            {QStringLiteral("url"), entry.sources.first().url.toString()},
            {QStringLiteral("sha256"), entry.sha256},
            {QStringLiteral("downloaded"), file.isFile() && file.size() == entry.sizeBytes},
        });
    }
    return list;
}

} // namespace glassbox::app
