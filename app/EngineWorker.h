#pragma once

#include "compute/BackendFactory.h"
#include "chat/ChatTemplate.h"
#include "sampling/SamplerSettings.h"
#include "session/Generator.h"

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace glassbox::gguf
{
class GgufFile;
}
namespace glassbox::compute
{
class ComputeBackend;
}
namespace glassbox::model
{
class Transformer;
}
namespace glassbox::session
{
class Session;
}
namespace glassbox::tokenizer
{
class Tokenizer;
}

namespace glassbox::app
{

class ChatPrompt;

struct LoadRequest {
    QString path;
    compute::BackendOptions backend; // a Vulkan backend that cannot start falls back to the CPU
    std::size_t context = 0; // 0: the model's trained context; never more than that
    gguf::TensorType kvType = gguf::TensorType::F16; // of the KV cache: F16 or Q8_0
    std::stop_token stop;
};

struct GenerationRequest {
    qint64 id = 0;
    std::vector<chat::ChatMessage> messages; // a leading system message, then the turns, ending with the user's
    sampling::SamplerSettings sampler;
    session::GenerationOptions options;
    std::stop_token stop;
};

// The engine's home: lives in its own QThread and owns the loaded model (file, tokenizer, chat
// template, backend, transformer, session). Every method is called queued from the UI thread and
// answers with signals, so the UI never waits on the engine. Cancellation uses stop tokens the
// caller keeps, which are safe to trigger from any thread.
class EngineWorker : public QObject
{
    Q_OBJECT

public:
    explicit EngineWorker(QObject *parent = nullptr);
    ~EngineWorker() override;

    void load(const LoadRequest &request);
    void unload();
    // A new session of `context` positions (0: trained), for the same model.
    void setContext(std::size_t context);
    void generate(const GenerationRequest &request);
    // Counts what the context meter shows when no reply runs: the system prompt alone and the
    // whole conversation as rendered.
    void measure(const std::vector<chat::ChatMessage> &messages, const std::string &systemPrompt);

Q_SIGNALS:
    void loadProgress(double progress);
    // The model card from the file's metadata, sent as soon as it is read (also when loading fails later).
    void modelInspected(const QVariantMap &card);
    void loaded(int contextSize, const QString &chatTemplate, const QString &backend);
    // The requested backend could not start (no device, driver error); the model runs on the CPU.
    void backendUnavailable(const QString &reason);
    void loadFailed(const QString &error);
    void loadCancelled();
    void unloaded();

    void promptPrepared(qint64 id, int promptTokens, int droppedMessages);
    void tokenGenerated(qint64 id, const QString &text);
    // stats: see docs/APP_API.md (Chat.messages `stats`).
    void generationFinished(qint64 id, const QVariantMap &stats);
    void generationFailed(qint64 id, const QString &error);
    void measured(int systemPromptTokens, int contextUsed);

private:
    void release();
    void makeSession(std::size_t context);
    QString backendName() const;
    const std::vector<std::string> &tokenPieces();

    std::unique_ptr<gguf::GgufFile> m_file;
    std::unique_ptr<tokenizer::Tokenizer> m_tokenizer;
    std::unique_ptr<ChatPrompt> m_prompt;
    std::unique_ptr<compute::ComputeBackend> m_backend;
    std::unique_ptr<model::Transformer> m_transformer;
    std::unique_ptr<session::Session> m_session;
    gguf::TensorType m_kvType = gguf::TensorType::F16;
    std::vector<std::string> m_tokenPieces; // filled when DRY first needs them
};

} // namespace glassbox::app
