#include "ZipMember.h"

#include "util/Error.h"

#include <QFile>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>

namespace glassbox::app
{

namespace
{

// Record layouts from PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.12 and 4.3.16).
constexpr quint32 endOfDirectorySignature = 0x06054b50;
constexpr qint64 endOfDirectorySize = 22;
constexpr qint64 maxCommentSize = 0xffff;
constexpr quint32 directoryEntrySignature = 0x02014b50;
constexpr qint64 directoryEntrySize = 46;
constexpr quint32 localHeaderSignature = 0x04034b50;
constexpr qint64 localHeaderSize = 30;
constexpr quint16 methodStored = 0;
constexpr quint16 methodDeflate = 8;
constexpr qint64 chunkSize = 1 << 20;

[[noreturn]] void fail(const QString &archivePath, const QString &what)
{
    throw Error(QStringLiteral("%1: %2").arg(archivePath, what).toStdString());
}

template<typename T>
T little(const QByteArray &bytes, qint64 at)
{
    return qFromLittleEndian<T>(bytes.constData() + at);
}

struct Member {
    quint16 method = 0;
    quint32 crc = 0;
    qint64 compressedSize = 0;
    qint64 size = 0;
    qint64 dataOffset = 0;
};

QByteArray readAt(QFile &file, qint64 offset, qint64 size)
{
    if (offset < 0 || size < 0 || offset + size > file.size() || !file.seek(offset))
        fail(file.fileName(), QStringLiteral("truncated or corrupt zip archive"));
    QByteArray bytes = file.read(size);
    if (bytes.size() != size)
        fail(file.fileName(), file.errorString());
    return bytes;
}

Member findMember(QFile &file, const QString &name)
{
    // The end-of-directory record sits at the end, followed only by a comment of up to 64 KiB.
    const qint64 tailSize = std::min(file.size(), endOfDirectorySize + maxCommentSize);
    const QByteArray tail = readAt(file, file.size() - tailSize, tailSize);
    qint64 end = tailSize - endOfDirectorySize;
    while (end >= 0 && little<quint32>(tail, end) != endOfDirectorySignature)
        --end;
    if (end < 0)
        fail(file.fileName(), QStringLiteral("not a zip archive"));
    const quint16 count = little<quint16>(tail, end + 10);
    const quint32 directorySize = little<quint32>(tail, end + 12);
    const quint32 directoryOffset = little<quint32>(tail, end + 16);
    if (count == 0xffff || directorySize == 0xffffffff || directoryOffset == 0xffffffff)
        fail(file.fileName(), QStringLiteral("zip64 archives are not supported"));

    const QByteArray directory = readAt(file, directoryOffset, directorySize);
    const QByteArray wanted = name.toUtf8();
    qint64 at = 0;
    for (quint16 i = 0; i < count; ++i) {
        if (at + directoryEntrySize > directory.size() || little<quint32>(directory, at) != directoryEntrySignature)
            fail(file.fileName(), QStringLiteral("corrupt zip central directory"));
        const qint64 nameSize = little<quint16>(directory, at + 28);
        const qint64 next = at + directoryEntrySize + nameSize + little<quint16>(directory, at + 30) + little<quint16>(directory, at + 32);
        if (next > directory.size())
            fail(file.fileName(), QStringLiteral("corrupt zip central directory"));
        if (QByteArrayView(directory).sliced(at + directoryEntrySize, nameSize) == QByteArrayView(wanted)) {
            if (little<quint16>(directory, at + 8) & 1)
                fail(file.fileName(), QStringLiteral("%1 is encrypted").arg(name));
            Member member;
            member.method = little<quint16>(directory, at + 10);
            member.crc = little<quint32>(directory, at + 16);
            member.compressedSize = little<quint32>(directory, at + 20);
            member.size = little<quint32>(directory, at + 24);
            const quint32 localOffset = little<quint32>(directory, at + 42);
            if (member.compressedSize == 0xffffffff || member.size == 0xffffffff || localOffset == 0xffffffff)
                fail(file.fileName(), QStringLiteral("zip64 archives are not supported"));
            // The local header repeats the name and may carry a different extra field: its own
            // lengths say where the data starts.
            const QByteArray local = readAt(file, localOffset, localHeaderSize);
            if (little<quint32>(local, 0) != localHeaderSignature)
                fail(file.fileName(), QStringLiteral("corrupt zip local header for %1").arg(name));
            member.dataOffset = localOffset + localHeaderSize + little<quint16>(local, 26) + little<quint16>(local, 28);
            if (member.dataOffset + member.compressedSize > file.size())
                fail(file.fileName(), QStringLiteral("truncated zip archive"));
            return member;
        }
        at = next;
    }
    fail(file.fileName(), QStringLiteral("the archive has no member %1").arg(name));
}

// Reads the member's compressed bytes in chunks and hands each to `consume`.
void readData(QFile &file, const Member &member, const std::function<void(QByteArrayView)> &consume)
{
    if (!file.seek(member.dataOffset))
        fail(file.fileName(), file.errorString());
    for (qint64 left = member.compressedSize; left > 0;) {
        const QByteArray chunk = file.read(std::min(left, chunkSize));
        if (chunk.isEmpty())
            fail(file.fileName(), QStringLiteral("read error: %1").arg(file.errorString()));
        left -= chunk.size();
        consume(chunk);
    }
}

void inflateMember(QFile &file, const Member &member, const std::function<void(QByteArrayView)> &sink, uLong &crc, qint64 &produced)
{
    z_stream stream{};
    // Negative window bits: raw deflate data, as zip stores it (no zlib header).
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        fail(file.fileName(), QStringLiteral("cannot start the inflater"));
    struct Cleanup {
        z_stream *stream;
        ~Cleanup()
        {
            inflateEnd(stream);
        }
    } cleanup{&stream};
    QByteArray out(chunkSize, Qt::Uninitialized);
    int status = Z_OK;
    readData(file, member, [&](QByteArrayView chunk) {
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(chunk.data()));
        stream.avail_in = static_cast<uInt>(chunk.size());
        // The usual zlib loop: a full output buffer means more output may be pending.
        do {
            stream.next_out = reinterpret_cast<Bytef *>(out.data());
            stream.avail_out = static_cast<uInt>(out.size());
            status = inflate(&stream, Z_NO_FLUSH);
            if (status == Z_BUF_ERROR) { // needs the next chunk
                status = Z_OK;
                break;
            }
            if (status != Z_OK && status != Z_STREAM_END)
                fail(file.fileName(), QStringLiteral("corrupt deflate data: %1").arg(QString::fromLatin1(stream.msg ? stream.msg : "")));
            const qint64 size = out.size() - stream.avail_out;
            crc = crc32(crc, reinterpret_cast<const Bytef *>(out.constData()), static_cast<uInt>(size));
            produced += size;
            sink(QByteArrayView(out).first(size));
        } while (stream.avail_out == 0 && status != Z_STREAM_END);
    });
    if (status != Z_STREAM_END)
        fail(file.fileName(), QStringLiteral("truncated deflate data"));
}

} // namespace

void extractZipMember(const QString &archivePath, const QString &member, const std::function<void(QByteArrayView)> &sink)
{
    QFile file(archivePath);
    if (!file.open(QIODevice::ReadOnly))
        fail(archivePath, file.errorString());
    const Member found = findMember(file, member);
    uLong crc = crc32(0, nullptr, 0);
    qint64 produced = 0;
    if (found.method == methodStored) {
        readData(file, found, [&](QByteArrayView chunk) {
            crc = crc32(crc, reinterpret_cast<const Bytef *>(chunk.data()), static_cast<uInt>(chunk.size()));
            produced += chunk.size();
            sink(chunk);
        });
    } else if (found.method == methodDeflate) {
        inflateMember(file, found, sink, crc, produced);
    } else {
        fail(archivePath, QStringLiteral("%1 uses zip compression method %2; only stored and deflate are supported").arg(member).arg(found.method));
    }
    if (produced != found.size || crc != found.crc)
        fail(archivePath, QStringLiteral("%1 is corrupt (size or CRC-32 mismatch)").arg(member));
}

} // namespace glassbox::app
