#pragma once

#include <QtGlobal>

namespace glassbox::app
{

// Bytes of memory the system could give a newly loaded model now: MemAvailable from
// /proc/meminfo on Linux (it counts reclaimable caches), else free physical pages from sysconf;
// 0 when neither is known.
qint64 availableMemoryBytes();

} // namespace glassbox::app
