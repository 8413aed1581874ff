#include "ModelController.h"

#include "AppSettings.h"
#include "EngineThread.h"
#include "ModelDownloader.h"
#include "SystemMemory.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

namespace glassbox::app
{

namespace
{

Q_LOGGING_CATEGORY(lcModels, "glassbox.models")

const QString kRecentKey = QStringLiteral("models/recent");
constexpr int kRecentLimit = 10;

ModelCatalog loadCatalog()
{
    try {
        return ModelCatalog::builtIn();
    } catch (const std::exception &error) {
        qCWarning(lcModels) << "the built-in model catalog is broken:" << error.what();
        return {};
    }
}

} // namespace

ModelController::ModelController(EngineThread &engine, AppSettings &settings, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_settings(settings)
    , m_catalog(loadCatalog())
    , m_downloader(new ModelDownloader(this))
{
    EngineWorker *worker = m_engine.worker();
    connect(worker, &EngineWorker::loadProgress, this, [this](double progress) {
        if (m_state == QLatin1String("loading"))
            setProgress(progress);
    });
    connect(worker, &EngineWorker::modelInspected, this, [this](const QVariantMap &card) {
        m_card = card;
        Q_EMIT cardChanged();
        Q_EMIT modelChanged();
    });
    connect(worker, &EngineWorker::backendUnavailable, this, [this](const QString &reason) {
        setNotice(tr("Vulkan is not available (%1); running on the CPU").arg(reason));
    });
    connect(worker, &EngineWorker::loaded, this, [this](int contextSize, const QString &chatTemplate, const QString &backend) {
        if (!chatTemplate.isEmpty())
            m_chatTemplate = chatTemplate;
        if (backend != m_backend) {
            m_backend = backend;
            Q_EMIT backendChanged();
        }
        setSessionContext(contextSize);
        if (--m_pending > 0)
            return;
        addRecent(m_modelPath);
        setState(QStringLiteral("ready"));
        Q_EMIT cardChanged();
    });
    connect(worker, &EngineWorker::loadFailed, this, [this](const QString &error) {
        qCWarning(lcModels) << "cannot load" << m_modelPath << ":" << error;
        if (--m_pending > 0)
            return;
        setErrorText(error);
        setState(QStringLiteral("error"));
    });
    connect(worker, &EngineWorker::loadCancelled, this, [this] {
        if (--m_pending > 0)
            return;
        m_modelPath.clear();
        m_card.clear();
        Q_EMIT modelChanged();
        Q_EMIT cardChanged();
        setState(QStringLiteral("empty"));
    });
    connect(worker, &EngineWorker::unloaded, this, [this] {
        --m_pending;
    });
    connect(&m_settings, &AppSettings::contextSizeChanged, this, [this] {
        Q_EMIT contextSizeChanged();
        Q_EMIT cardChanged();
        if (isReady()) {
            ++m_pending;
            m_engine.post([worker = m_engine.worker(), context = static_cast<std::size_t>(contextSize())] {
                worker->setContext(context);
            });
        }
    });

    connect(m_downloader, &ModelDownloader::progress, this, [this](qint64 received, qint64 total) {
        m_downloadProgress = total > 0 ? static_cast<double>(received) / static_cast<double>(total) : 0.0;
        Q_EMIT downloadProgressChanged();
    });
    connect(m_downloader, &ModelDownloader::finished, this, [this](const QString &path) {
        Q_EMIT downloadingChanged();
        Q_EMIT catalogChanged();
        openPath(path);
    });
    connect(m_downloader, &ModelDownloader::failed, this, [this](const QString &message) {
        setErrorText(message);
        Q_EMIT downloadingChanged();
    });
    connect(m_downloader, &ModelDownloader::cancelled, this, &ModelController::downloadingChanged);
}

ModelController::~ModelController()
{
    m_loadStop.request_stop();
}

QString ModelController::modelName() const
{
    const QString name = m_card.value(QStringLiteral("name")).toString();
    return name.isEmpty() && !m_modelPath.isEmpty() ? QFileInfo(m_modelPath).completeBaseName() : name;
}

QVariantMap ModelController::card() const
{
    if (m_card.isEmpty())
        return {};
    QVariantMap card = m_card;
    const qint64 trained = m_card.value(QStringLiteral("contextTrained")).toLongLong();
    qint64 context = m_sessionContext;
    if (context <= 0)
        context = contextSize() > 0 && trained > 0 ? std::min<qint64>(contextSize(), trained) : std::max<qint64>(contextSize(), trained);
    const qint64 needed = m_card.value(QStringLiteral("weightBytes")).toLongLong() + m_card.value(QStringLiteral("kvBytesPerToken")).toLongLong() * context;
    const qint64 available = availableMemoryBytes();
    card.insert(QStringLiteral("chatTemplate"), m_chatTemplate.isEmpty() ? QStringLiteral("none") : m_chatTemplate);
    card.insert(QStringLiteral("memoryContext"), context);
    card.insert(QStringLiteral("memoryNeededBytes"), needed);
    card.insert(QStringLiteral("memoryAvailableBytes"), available);
    // The loaded model's own pages count as available already; an unknown amount is not held against it.
    card.insert(QStringLiteral("fits"), available <= 0 || isReady() || needed <= available);
    return card;
}

QStringList ModelController::recentModels() const
{
    return m_settings.store().value(kRecentKey).toStringList();
}

void ModelController::addRecent(const QString &path)
{
    QStringList recent = recentModels();
    recent.removeAll(path);
    recent.prepend(path);
    m_settings.store().setValue(kRecentKey, recent.mid(0, kRecentLimit));
    Q_EMIT recentModelsChanged();
}

int ModelController::contextSize() const
{
    return m_settings.contextSize();
}

void ModelController::setContextSize(int tokens)
{
    m_settings.setContextSize(tokens);
}

QVariantList ModelController::catalog() const
{
    return m_catalog.toVariantList(m_settings.modelFolder());
}

bool ModelController::downloading() const
{
    return m_downloader->isRunning();
}

void ModelController::setRequestedBackend(const QString &backend)
{
    m_requestedBackend = backend;
}

compute::BackendOptions ModelController::backendOptions() const
{
    compute::BackendOptions options{.threads = m_settings.computeThreads()};
    const bool vulkan = m_requestedBackend.isEmpty() ? m_settings.device() > 0 : m_requestedBackend == QLatin1String("vulkan");
    if (vulkan) {
        options.name = "vulkan";
        if (m_settings.device() > 0)
            options.device = static_cast<std::size_t>(m_settings.device() - 1);
    }
    return options;
}

void ModelController::open(const QUrl &file)
{
    openPath(file.isLocalFile() ? file.toLocalFile() : file.toString());
}

void ModelController::openPath(const QString &path)
{
    m_loadStop.request_stop();
    m_loadStop = std::stop_source();
    setNotice({});
    m_modelPath = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    m_card.clear();
    m_chatTemplate.clear();
    setSessionContext(0);
    setErrorText({});
    setProgress(0.0);
    setState(QStringLiteral("loading"));
    Q_EMIT modelChanged();
    Q_EMIT cardChanged();
    ++m_pending;
    LoadRequest request{
        .path = m_modelPath,
        .backend = backendOptions(),
        .context = static_cast<std::size_t>(std::max(contextSize(), 0)),
        .kvType = m_settings.kvCache() == QLatin1String("Q8_0") ? gguf::TensorType::Q8_0 : gguf::TensorType::F16,
        .stop = m_loadStop.get_token(),
    };
    m_engine.post([worker = m_engine.worker(), request] {
        worker->load(request);
    });
}

void ModelController::cancelLoad()
{
    m_loadStop.request_stop();
}

void ModelController::unload()
{
    m_loadStop.request_stop();
    ++m_pending;
    m_engine.post([worker = m_engine.worker()] {
        worker->unload();
    });
    m_modelPath.clear();
    m_card.clear();
    m_chatTemplate.clear();
    setSessionContext(0);
    setErrorText({});
    setState(QStringLiteral("empty"));
    Q_EMIT modelChanged();
    Q_EMIT cardChanged();
}

void ModelController::download(int catalogIndex)
{
    if (catalogIndex < 0 || catalogIndex >= m_catalog.entries().size())
        return;
    setErrorText({});
    m_downloadProgress = 0.0;
    Q_EMIT downloadProgressChanged();
    m_downloader->start(m_catalog.entries().at(catalogIndex), m_settings.modelFolder());
    Q_EMIT downloadingChanged();
}

void ModelController::cancelDownload()
{
    m_downloader->cancel();
}

void ModelController::setState(const QString &state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

void ModelController::setProgress(double progress)
{
    if (qFuzzyCompare(m_progress, progress))
        return;
    m_progress = progress;
    Q_EMIT progressChanged();
}

void ModelController::setErrorText(const QString &text)
{
    if (m_errorText == text)
        return;
    m_errorText = text;
    Q_EMIT errorTextChanged();
}

void ModelController::setNotice(const QString &text)
{
    if (m_notice == text)
        return;
    if (!text.isEmpty())
        qCWarning(lcModels).noquote() << text;
    m_notice = text;
    Q_EMIT noticeChanged();
}

void ModelController::setSessionContext(int tokens)
{
    if (m_sessionContext == tokens)
        return;
    m_sessionContext = tokens;
    Q_EMIT sessionContextSizeChanged();
}

} // namespace glassbox::app
