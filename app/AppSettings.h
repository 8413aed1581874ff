#pragma once

#include <QObject>
#include <QSettings>
#include <QStringList>

#include <memory>

namespace glassbox::app
{

// The `Settings` singleton: application-wide choices kept in QSettings (an INI file in the data
// folder when one is forced with --data-dir, so tests never touch the user's settings).
class AppSettings : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QStringList devices READ devices CONSTANT)
    Q_PROPERTY(int device READ device WRITE setDevice NOTIFY deviceChanged)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY threadsChanged)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY contextSizeChanged)
    Q_PROPERTY(QString kvCache READ kvCache WRITE setKvCache NOTIFY kvCacheChanged)
    Q_PROPERTY(QString dataFolder READ dataFolder WRITE setDataFolder NOTIFY dataFolderChanged)
    Q_PROPERTY(QString modelFolder READ modelFolder WRITE setModelFolder NOTIFY modelFolderChanged)

public:
    // An empty dataFolderOverride means the stored choice, or QStandardPaths::AppDataLocation.
    explicit AppSettings(const QString &dataFolderOverride = {}, QObject *parent = nullptr);
    ~AppSettings() override;

    // "CPU", then the Vulkan devices by name (listed once, when first asked for).
    QStringList devices() const;
    int device() const;
    void setDevice(int device);
    // Threads of the CPU backend; 0 means one per hardware thread.
    int threads() const; // 0: automatic
    // The compute threads a model load gets: the setting, or when automatic every core but one, so
    // the GUI thread always finds a free core while tokens stream.
    unsigned computeThreads() const;
    void setThreads(int threads);
    // Context of new sessions in tokens; 0 means the model's trained context.
    int contextSize() const;
    void setContextSize(int tokens);
    // The KV cache's element type for new sessions: "F16" (the default) or "Q8_0" (about half the
    // memory, slightly less exact). Other values are ignored.
    QString kvCache() const;
    void setKvCache(const QString &type);
    QString dataFolder() const;
    // Takes effect at the next start: the open conversation store stays where it is.
    void setDataFolder(const QString &folder);
    QString modelFolder() const;
    void setModelFolder(const QString &folder);

    // For the other parts that keep something in the same settings (recent models).
    QSettings &store()
    {
        return *m_settings;
    }

Q_SIGNALS:
    void deviceChanged();
    void threadsChanged();
    void contextSizeChanged();
    void kvCacheChanged();
    void dataFolderChanged();
    void modelFolderChanged();

private:
    bool write(const QString &key, const QVariant &value);

    QString m_dataFolderOverride;
    std::unique_ptr<QSettings> m_settings;
    mutable QStringList m_devices;
};

} // namespace glassbox::app
