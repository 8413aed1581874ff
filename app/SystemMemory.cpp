#include "SystemMemory.h"

#include <QFile>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace glassbox::app
{

namespace
{

qint64 fromProcMeminfo()
{
    QFile file(QStringLiteral("/proc/meminfo"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    // "MemAvailable:   12345678 kB"
    for (QByteArray line = file.readLine(); !line.isEmpty(); line = file.readLine()) {
        if (line.startsWith("MemAvailable:"))
            return line.mid(13).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

qint64 fromSysconf()
{
#if defined(Q_OS_UNIX) && defined(_SC_AVPHYS_PAGES)
    const long pages = sysconf(_SC_AVPHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        return static_cast<qint64>(pages) * pageSize;
#endif
    return 0;
}

} // namespace

qint64 availableMemoryBytes()
{
    const qint64 bytes = fromProcMeminfo();
    return bytes > 0 ? bytes : fromSysconf();
}

} // namespace glassbox::app
