#include "AppSettings.h"

#include "compute/vulkan/VulkanInstance.h"

#include <QDir>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <thread>

namespace glassbox::app
{

namespace
{

Q_LOGGING_CATEGORY(lcSettings, "glassbox.settings")

constexpr int kDefaultContext = 4096; // enough for a chat, and the KV cache of a 7B model stays modest

QStringList vulkanDevices()
{
    QStringList names;
    try {
        const vulkan::VulkanInstance instance;
        for (const vulkan::DeviceInfo &device : instance.devices())
            names.append(QString::fromStdString(device.name));
    } catch (const std::exception &error) {
        qCInfo(lcSettings) << "no Vulkan devices:" << error.what();
    }
    return names;
}

} // namespace

AppSettings::AppSettings(const QString &dataFolderOverride, QObject *parent)
    : QObject(parent)
    , m_dataFolderOverride(dataFolderOverride)
    , m_settings(dataFolderOverride.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(QDir(dataFolderOverride).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat))
{
}

AppSettings::~AppSettings() = default;

bool AppSettings::write(const QString &key, const QVariant &value)
{
    if (m_settings->value(key) == value)
        return false;
    m_settings->setValue(key, value);
    return true;
}

QStringList AppSettings::devices() const
{
    if (m_devices.isEmpty())
        m_devices = QStringList{QStringLiteral("CPU")} + vulkanDevices();
    return m_devices;
}

int AppSettings::device() const
{
    return m_settings->value(QStringLiteral("engine/device"), 0).toInt();
}

void AppSettings::setDevice(int device)
{
    if (write(QStringLiteral("engine/device"), device))
        Q_EMIT deviceChanged();
}

int AppSettings::threads() const
{
    return m_settings->value(QStringLiteral("engine/threads"), 0).toInt();
}

unsigned AppSettings::computeThreads() const
{
    if (threads() > 0)
        return static_cast<unsigned>(threads());
    return std::max(2u, std::thread::hardware_concurrency()) - 1; // 0 means unknown
}

void AppSettings::setThreads(int threads)
{
    if (write(QStringLiteral("engine/threads"), std::max(threads, 0)))
        Q_EMIT threadsChanged();
}

int AppSettings::contextSize() const
{
    return m_settings->value(QStringLiteral("engine/contextSize"), kDefaultContext).toInt();
}

void AppSettings::setContextSize(int tokens)
{
    if (write(QStringLiteral("engine/contextSize"), std::max(tokens, 0)))
        Q_EMIT contextSizeChanged();
}

QString AppSettings::kvCache() const
{
    const QString stored = m_settings->value(QStringLiteral("engine/kvCache")).toString();
    return stored == QLatin1String("Q8_0") ? stored : QStringLiteral("F16");
}

void AppSettings::setKvCache(const QString &type)
{
    if ((type == QLatin1String("F16") || type == QLatin1String("Q8_0")) && write(QStringLiteral("engine/kvCache"), type))
        Q_EMIT kvCacheChanged();
}

QString AppSettings::dataFolder() const
{
    if (!m_dataFolderOverride.isEmpty())
        return m_dataFolderOverride;
    const QString stored = m_settings->value(QStringLiteral("folders/data")).toString();
    return stored.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : stored;
}

void AppSettings::setDataFolder(const QString &folder)
{
    if (write(QStringLiteral("folders/data"), folder))
        Q_EMIT dataFolderChanged();
}

QString AppSettings::modelFolder() const
{
    const QString stored = m_settings->value(QStringLiteral("folders/models")).toString();
    return stored.isEmpty() ? QDir(dataFolder()).filePath(QStringLiteral("models")) : stored;
}

void AppSettings::setModelFolder(const QString &folder)
{
    if (write(QStringLiteral("folders/models"), folder))
        Q_EMIT modelFolderChanged();
}

} // namespace glassbox::app
