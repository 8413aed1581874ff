#pragma once

#include "ModelCatalog.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

class QNetworkReply;
class QThread;

namespace glassbox::app
{

// Downloads a catalog model into the model folder, one entry at a time. Each source streams to
// `<file>.part` (`<file>.part1`, `.part2`... when the model comes in several pieces), so nothing big
// is held in memory and an interrupted or cancelled download resumes from what is on disk with an
// HTTP Range request; a server that ignores the range (200) makes it start that piece over. The model
// only gets its final name once its sha256 matches the catalog. A plain single-source download is
// hashed while it is written; archived or split models are extracted and hashed on a worker thread.
class ModelDownloader : public QObject
{
    Q_OBJECT

public:
    explicit ModelDownloader(QObject *parent = nullptr);
    ~ModelDownloader() override;

    // Starts or resumes; does nothing while a download is running. Reports through the signals, and
    // may fail at once (before returning) when the model folder cannot be written.
    void start(const CatalogEntry &entry, const QString &modelFolder);
    // Stops the running download and keeps its .part files for a later resume.
    void cancel();
    bool isRunning() const
    {
        return m_running;
    }

    static QString partPath(const CatalogEntry &entry, const QString &modelFolder, qsizetype source);

Q_SIGNALS:
    // Bytes of the downloads (archives, for archived models), over all sources; total is -1 while unknown.
    void progress(qint64 received, qint64 total);
    void finished(const QString &modelPath);
    void failed(const QString &message);
    void cancelled();

private:
    void startSource();
    bool acceptResponse();
    void readBody();
    void replyFinished();
    void sourceDone();
    void verifyPlainDownload();
    void assemble();
    void reportProgress();
    void stop(const QString &error, bool removeParts);
    bool hashesWhileWriting() const;

    QNetworkAccessManager m_network;
    CatalogEntry m_entry;
    QString m_folder;
    bool m_running = false;
    bool m_cancelled = false;
    qsizetype m_source = 0;
    qint64 m_earlierBytes = 0; // downloaded bytes of the sources before m_source
    qint64 m_sourceTotal = -1; // size of the current source as the server reports it
    QFile m_part;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QPointer<QNetworkReply> m_reply;
    bool m_accepted = false;
    QString m_replyError; // a failure found while the reply was still running
    QThread *m_assembler = nullptr;
    std::shared_ptr<std::atomic_bool> m_stopAssembly;
};

} // namespace glassbox::app
