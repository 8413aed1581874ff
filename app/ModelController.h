#pragma once

#include "compute/BackendFactory.h"
#include "ModelCatalog.h"

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QVariantMap>

#include <stop_token>

namespace glassbox::app
{

class AppSettings;
class EngineThread;
class ModelDownloader;

// The `Models` singleton: which model is loaded, its card and memory verdict, loading with
// progress and cancel, recent models and catalog downloads. Loading itself runs on the engine
// thread; this object only tracks it.
class ModelController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    // Something the user should know that did not stop the load (a backend replaced by the CPU).
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString backend READ backend NOTIFY backendChanged)
    Q_PROPERTY(QVariantMap card READ card NOTIFY cardChanged)
    Q_PROPERTY(QStringList recentModels READ recentModels NOTIFY recentModelsChanged)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY contextSizeChanged)
    // The context the loaded session really has (contextSize, capped by what the model was trained for).
    Q_PROPERTY(int sessionContextSize READ sessionContextSize NOTIFY sessionContextSizeChanged)
    Q_PROPERTY(QVariantList catalog READ catalog NOTIFY catalogChanged)
    Q_PROPERTY(double downloadProgress READ downloadProgress NOTIFY downloadProgressChanged)
    Q_PROPERTY(bool downloading READ downloading NOTIFY downloadingChanged)

public:
    ModelController(EngineThread &engine, AppSettings &settings, QObject *parent = nullptr);
    ~ModelController() override;

    QString state() const
    {
        return m_state;
    }
    bool isReady() const
    {
        return m_state == QLatin1String("ready");
    }
    double progress() const
    {
        return m_progress;
    }
    QString errorText() const
    {
        return m_errorText;
    }
    QString notice() const
    {
        return m_notice;
    }
    QString modelPath() const
    {
        return m_modelPath;
    }
    QString modelName() const;
    QString backend() const
    {
        return m_backend;
    }
    QVariantMap card() const;
    QStringList recentModels() const;
    int contextSize() const;
    void setContextSize(int tokens);
    int sessionContextSize() const
    {
        return m_sessionContext;
    }
    QVariantList catalog() const;
    double downloadProgress() const
    {
        return m_downloadProgress;
    }
    bool downloading() const;

    // "cpu" or "vulkan" (its preferred device), overriding Settings.device; empty: follow the setting.
    void setRequestedBackend(const QString &backend);

    Q_INVOKABLE void open(const QUrl &file);
    Q_INVOKABLE void openPath(const QString &path);
    Q_INVOKABLE void cancelLoad();
    Q_INVOKABLE void unload();
    Q_INVOKABLE void download(int catalogIndex);
    Q_INVOKABLE void cancelDownload();

Q_SIGNALS:
    void stateChanged();
    void progressChanged();
    void errorTextChanged();
    void noticeChanged();
    void modelChanged();
    void backendChanged();
    void cardChanged();
    void recentModelsChanged();
    void contextSizeChanged();
    void sessionContextSizeChanged();
    void catalogChanged();
    void downloadProgressChanged();
    void downloadingChanged();

private:
    compute::BackendOptions backendOptions() const;
    void setState(const QString &state);
    void setProgress(double progress);
    void setErrorText(const QString &text);
    void setNotice(const QString &text);
    void setSessionContext(int tokens);
    void addRecent(const QString &path);

    EngineThread &m_engine;
    AppSettings &m_settings;
    QString m_state = QStringLiteral("empty");
    double m_progress = 0.0;
    QString m_errorText;
    QString m_notice;
    QString m_backend = QStringLiteral("cpu");
    QString m_requestedBackend;
    QString m_modelPath;
    QVariantMap m_card; // from the file; the memory fields are added by card()
    QString m_chatTemplate;
    int m_sessionContext = 0;
    std::stop_source m_loadStop;
    int m_pending = 0; // loads and context changes the engine has not answered yet; only the last one sets the state
    ModelCatalog m_catalog;
    ModelDownloader *m_downloader;
    double m_downloadProgress = 0.0;
};

} // namespace glassbox::app
