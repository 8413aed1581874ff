#include "ModelDownloader.h"

#include "ZipMember.h"
#include "util/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSaveFile>
#include <QThread>

namespace glassbox::app
{

namespace
{

constexpr qint64 chunkSize = 1 << 20;

struct AssemblyResult {
    QString error;
    QString sha256;
};

// Writes the model from the downloaded pieces (extracting archive members) to a QSaveFile, so the
// final name appears only after the hash matched. Runs on a worker thread: it reads and writes the
// whole model.
AssemblyResult assembleModel(const CatalogEntry &entry, const QString &folder, const std::atomic_bool &stop)
{
    AssemblyResult result;
    QSaveFile out(QDir(folder).filePath(entry.file));
    if (!out.open(QIODevice::WriteOnly)) {
        result.error = QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString());
        return result;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto sink = [&](QByteArrayView chunk) {
        if (stop)
            throw Error("stopped");
        if (out.write(chunk.data(), chunk.size()) != chunk.size())
            throw Error(QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString()).toStdString());
        hash.addData(chunk);
    };
    try {
        for (qsizetype i = 0; i < entry.sources.size(); ++i) {
            const QString part = ModelDownloader::partPath(entry, folder, i);
            if (!entry.sources[i].archiveMember.isEmpty()) {
                extractZipMember(part, entry.sources[i].archiveMember, sink);
                continue;
            }
            QFile in(part);
            if (!in.open(QIODevice::ReadOnly))
                throw Error(QStringLiteral("cannot read %1: %2").arg(part, in.errorString()).toStdString());
            while (!in.atEnd()) {
                const QByteArray chunk = in.read(chunkSize);
                if (chunk.isEmpty())
                    throw Error(QStringLiteral("cannot read %1: %2").arg(part, in.errorString()).toStdString());
                sink(chunk);
            }
        }
    } catch (const Error &error) {
        out.cancelWriting();
        result.error = QString::fromStdString(error.what());
        return result;
    }
    result.sha256 = QString::fromLatin1(hash.result().toHex());
    if (result.sha256 != entry.sha256)
        out.cancelWriting();
    else if (!out.commit())
        result.error = QStringLiteral("cannot write %1: %2").arg(out.fileName(), out.errorString());
    return result;
}

QString checksumMismatch(const CatalogEntry &entry, const QString &actual)
{
    return QStringLiteral("%1: checksum mismatch (expected sha256 %2, got %3); the downloaded data was removed").arg(entry.name, entry.sha256, actual);
}

} // namespace

ModelDownloader::ModelDownloader(QObject *parent)
    : QObject(parent)
{
}

ModelDownloader::~ModelDownloader()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    if (m_assembler) {
        *m_stopAssembly = true;
        m_assembler->wait();
        delete m_assembler;
    }
}

QString ModelDownloader::partPath(const CatalogEntry &entry, const QString &modelFolder, qsizetype source)
{
    const QString suffix = entry.sources.size() == 1 ? QStringLiteral(".part") : QStringLiteral(".part%1").arg(source + 1);
    return QDir(modelFolder).filePath(entry.file + suffix);
}

void ModelDownloader::start(const CatalogEntry &entry, const QString &modelFolder)
{
    if (m_running)
        return;
    m_entry = entry;
    m_folder = modelFolder;
    m_running = true;
    m_cancelled = false;
    m_source = 0;
    m_earlierBytes = 0;
    if (entry.sources.isEmpty())
        return stop(QStringLiteral("%1: the catalog lists no download for it").arg(entry.name), false);
    if (!QDir().mkpath(modelFolder))
        return stop(QStringLiteral("cannot create the model folder %1").arg(modelFolder), false);
    startSource();
}

void ModelDownloader::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_reply)
        m_reply->abort(); // replyFinished reports the cancel
    else if (m_assembler)
        *m_stopAssembly = true;
}

bool ModelDownloader::hashesWhileWriting() const
{
    return m_entry.sources.size() == 1 && m_entry.sources.first().archiveMember.isEmpty();
}

void ModelDownloader::startSource()
{
    const ModelSource &source = m_entry.sources[m_source];
    m_part.setFileName(partPath(m_entry, m_folder, m_source));
    // Unbuffered, so a full disk shows up at the write that failed rather than at close.
    if (!m_part.open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        return stop(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()), false);
    qint64 offset = m_part.size();
    if (offset > source.sizeBytes) { // not a prefix of this source: start over
        m_part.resize(0);
        offset = 0;
    }
    m_hash.reset();
    if (hashesWhileWriting()) {
        while (!m_part.atEnd()) {
            const QByteArray chunk = m_part.read(chunkSize);
            if (chunk.isEmpty())
                return stop(QStringLiteral("cannot read %1: %2").arg(m_part.fileName(), m_part.errorString()), false);
            m_hash.addData(chunk);
        }
    }
    m_part.seek(offset);
    m_sourceTotal = source.sizeBytes;
    if (offset == source.sizeBytes) {
        m_part.close();
        return sourceDone();
    }

    QNetworkRequest request(source.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    // No transparent gzip: byte offsets and Content-Length must count the bytes of the file itself.
    request.setRawHeader("Accept-Encoding", "identity");
    if (offset > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(offset) + '-');
    m_accepted = false;
    m_replyError.clear();
    m_reply = m_network.get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &ModelDownloader::acceptResponse);
    connect(m_reply, &QNetworkReply::readyRead, this, &ModelDownloader::readBody);
    connect(m_reply, &QNetworkReply::finished, this, &ModelDownloader::replyFinished);
    reportProgress();
}

// Checks the status line once the headers are in. Returns whether the body belongs in the .part file.
bool ModelDownloader::acceptResponse()
{
    if (m_accepted || !m_reply || !m_replyError.isEmpty())
        return m_accepted;
    const QVariant statusAttribute = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid())
        return false;
    const int status = statusAttribute.toInt();
    if (status == 206) {
        static const QRegularExpression contentRange(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const QRegularExpressionMatch match = contentRange.match(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
        if (!match.hasMatch() || match.captured(1).toLongLong() != m_part.pos()) {
            m_replyError = QStringLiteral("the server sent an unexpected range (%1)").arg(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
            m_reply->abort(); // replyFinished reports it
            return false;
        }
        if (match.captured(3) != QLatin1String("*"))
            m_sourceTotal = match.captured(3).toLongLong();
    } else if (status == 200) {
        // A full answer to a range request: the server does not do ranges, so the piece starts over.
        if (m_part.pos() > 0) {
            m_part.resize(0);
            m_part.seek(0);
            if (hashesWhileWriting())
                m_hash.reset();
        }
        const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid())
            m_sourceTotal = length.toLongLong();
    } else {
        if (status == 416) // the .part does not fit the file on the server: the next try starts afresh
            m_part.resize(0);
        const QString reason = QString::fromLatin1(m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray());
        m_replyError = QStringLiteral("the server answered HTTP %1 %2 for %3").arg(status).arg(reason, m_reply->url().toString());
        return false;
    }
    m_accepted = true;
    return true;
}

void ModelDownloader::readBody()
{
    if (!acceptResponse())
        return; // an error status fails the reply by itself; its small body is dropped
    const QByteArray data = m_reply->readAll();
    if (m_part.write(data) != data.size()) {
        m_replyError = QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString());
        m_reply->abort();
        return;
    }
    if (hashesWhileWriting())
        m_hash.addData(data);
    reportProgress();
}

void ModelDownloader::replyFinished()
{
    if (!m_reply)
        return;
    // Bytes that arrived with the end of the reply, and the status of a reply without a body.
    if (!m_cancelled && m_replyError.isEmpty() && acceptResponse() && m_reply->bytesAvailable() > 0)
        readBody();
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_cancelled) {
        m_part.close();
        m_running = false;
        Q_EMIT cancelled();
        return;
    }
    if (m_replyError.isEmpty() && reply->error() != QNetworkReply::NoError) {
        // Past the status check, this is a transport failure: the .part stays for a resume.
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_replyError = status >= 400 ? QStringLiteral("the server answered HTTP %1 for %2").arg(status).arg(reply->url().toString())
                                     : QStringLiteral("download of %1 interrupted: %2").arg(reply->url().toString(), reply->errorString());
    }
    if (m_replyError.isEmpty() && !m_accepted)
        m_replyError = QStringLiteral("no HTTP answer from %1").arg(reply->url().toString());
    m_part.close();
    if (!m_replyError.isEmpty())
        return stop(m_replyError, false);
    sourceDone();
}

void ModelDownloader::sourceDone()
{
    m_earlierBytes += QFileInfo(m_part.fileName()).size();
    ++m_source;
    if (m_source < m_entry.sources.size())
        return startSource();
    if (hashesWhileWriting())
        return verifyPlainDownload();
    assemble();
}

void ModelDownloader::verifyPlainDownload()
{
    const QString actual = QString::fromLatin1(m_hash.result().toHex());
    if (actual != m_entry.sha256)
        return stop(checksumMismatch(m_entry, actual), true);
    const QString target = QDir(m_folder).filePath(m_entry.file);
    QFile::remove(target); // rename does not overwrite; an older copy failed the check or is the same file
    if (!QFile::rename(m_part.fileName(), target))
        return stop(QStringLiteral("cannot rename %1 to %2").arg(m_part.fileName(), target), false);
    m_running = false;
    Q_EMIT finished(target);
}

void ModelDownloader::assemble()
{
    auto result = std::make_shared<AssemblyResult>();
    m_stopAssembly = std::make_shared<std::atomic_bool>(false);
    m_assembler = QThread::create([entry = m_entry, folder = m_folder, stopFlag = m_stopAssembly, result] {
        *result = assembleModel(entry, folder, *stopFlag);
    });
    connect(m_assembler, &QThread::finished, this, [this, result] {
        m_assembler->deleteLater();
        m_assembler = nullptr;
        if (m_cancelled) {
            m_running = false;
            Q_EMIT cancelled();
        } else if (!result->error.isEmpty()) {
            // The pieces are on disk in full but cannot be read back: download them again next time.
            stop(QStringLiteral("%1: %2; the downloaded data was removed").arg(m_entry.name, result->error), true);
        } else if (result->sha256 != m_entry.sha256) {
            stop(checksumMismatch(m_entry, result->sha256), true);
        } else {
            for (qsizetype i = 0; i < m_entry.sources.size(); ++i)
                QFile::remove(partPath(m_entry, m_folder, i));
            m_running = false;
            Q_EMIT finished(QDir(m_folder).filePath(m_entry.file));
        }
    });
    m_assembler->start();
}

void ModelDownloader::reportProgress()
{
    qint64 total = m_earlierBytes + m_sourceTotal;
    for (qsizetype i = m_source + 1; i < m_entry.sources.size(); ++i)
        total += m_entry.sources[i].sizeBytes;
    Q_EMIT progress(m_earlierBytes + m_part.pos(), m_sourceTotal < 0 ? -1 : total);
}

void ModelDownloader::stop(const QString &error, bool removeParts)
{
    if (m_part.isOpen())
        m_part.close();
    if (removeParts) {
        for (qsizetype i = 0; i < m_entry.sources.size(); ++i)
            QFile::remove(partPath(m_entry, m_folder, i));
    }
    m_running = false;
    Q_EMIT failed(error);
}

} // namespace glassbox::app
