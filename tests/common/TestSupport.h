#pragma once

// What several tests need: running glassbox-cli as a process, and locating the real chat models
// that scripts/fetch-models.py keeps in the user's cache.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace glassbox::test {

struct CliRun {
    int exitCode = -1; // -1 when the process crashed or timed out
    QByteArray out;
    QByteArray err;

    QString errText() const { return QString::fromUtf8(err); }
};

// Runs `glassbox-cli COMMAND ARGUMENTS…` and waits for it.
inline CliRun runCli(const QString &command, const QStringList &arguments, int timeoutMs = 300000)
{
    QProcess process;
    process.start(QStringLiteral(GLASSBOX_CLI), QStringList{command} + arguments);
    const bool finished = process.waitForFinished(timeoutMs);
    if (!finished)
        process.kill();
    const bool normal = finished && process.exitStatus() == QProcess::NormalExit;
    return {normal ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

// The path of a model fetched (once, then cached) by scripts/fetch-models.py, e.g. "smollm2" or
// "gemma3"; empty when it cannot be fetched (no network), so callers can QSKIP with a reason.
inline QString fetchModel(const QString &name)
{
    QProcess fetch;
    fetch.start(QStringLiteral("python3"), {QStringLiteral(GLASSBOX_FETCH_MODELS_SCRIPT), name});
    if (!fetch.waitForFinished(600000) || fetch.exitStatus() != QProcess::NormalExit || fetch.exitCode() != 0)
        return {};
    return QString::fromUtf8(fetch.readAllStandardOutput()).trimmed();
}

} // namespace glassbox::test
