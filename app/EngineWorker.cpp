#include "EngineWorker.h"

#include "ChatPrompt.h"
#include "ModelCard.h"

#include "gguf/GgufFile.h"
#include "model/Architecture.h"
#include "model/ModelInfo.h"
#include "model/Transformer.h"
#include "session/Session.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"

#include <QLoggingCategory>

#include <algorithm>

namespace glassbox::app
{

namespace
{

Q_LOGGING_CATEGORY(lcEngine, "glassbox.engine")

QString finishReasonText(sampling::FinishReason reason)
{
    switch (reason) {
    case sampling::FinishReason::EndOfSequence:
        return QStringLiteral("eos");
    case sampling::FinishReason::StopString:
        return QStringLiteral("stop");
    case sampling::FinishReason::Length:
        return QStringLiteral("length");
    case sampling::FinishReason::Cancelled:
        return QStringLiteral("cancelled");
    case sampling::FinishReason::ContextFull:
        return QStringLiteral("context full");
    }
    return QStringLiteral("error");
}

QVariantMap statsOf(const session::GenerationResult &result, std::size_t droppedMessages)
{
    return {
        {QStringLiteral("promptTokens"), static_cast<int>(result.promptTokens)},
        {QStringLiteral("reusedTokens"), static_cast<int>(result.reusedTokens)},
        {QStringLiteral("droppedMessages"), static_cast<int>(droppedMessages)},
        {QStringLiteral("timeToFirstTokenMs"), result.firstTokenSeconds * 1000.0},
        {QStringLiteral("prefillTokensPerSecond"), result.prefillTokensPerSecond()},
        {QStringLiteral("decodeTokensPerSecond"), result.decodeTokensPerSecond()},
        {QStringLiteral("generatedTokens"), static_cast<int>(result.generatedTokens)},
        {QStringLiteral("finishReason"), finishReasonText(result.finishReason)},
    };
}

// Room kept free for the reply when old turns have to go: the token limit if there is one, but
// never more than half the context, so a long history is not thrown away for a short answer.
std::size_t replyReserve(int maxTokens, std::size_t context)
{
    if (maxTokens > 0)
        return std::min<std::size_t>(static_cast<std::size_t>(maxTokens), context / 2);
    return std::min<std::size_t>(512, context / 4);
}

} // namespace

EngineWorker::EngineWorker(QObject *parent)
    : QObject(parent)
{
}

EngineWorker::~EngineWorker()
{
    release();
}

void EngineWorker::release()
{
    // Users before what they use: the session holds the transformer's cache, which reads the file.
    m_session.reset();
    m_transformer.reset();
    m_backend.reset();
    m_prompt.reset();
    m_tokenizer.reset();
    m_file.reset();
    m_tokenPieces.clear();
}

void EngineWorker::load(const LoadRequest &request)
{
    release();
    struct Cancelled {
    };
    // Steps in the order they can fail; between them a cancel request is honoured.
    const auto step = [&](double progress) {
        Q_EMIT loadProgress(progress);
        if (request.stop.stop_requested())
            throw Cancelled();
    };
    try {
        step(0.0);
        m_file = std::make_unique<gguf::GgufFile>(request.path.toStdString());
        m_kvType = request.kvType;
        Q_EMIT modelInspected(modelCard(model::ModelInfo::fromGguf(*m_file), m_kvType));
        // Checked before the tokenizer, whose complaints about an exotic vocabulary would hide the real reason.
        if (model::architectureTraits(m_file->architecture()).encoder)
            throw Error("'" + m_file->architecture() + "' is an embedding model: it cannot chat");
        step(0.1);
        m_tokenizer = tokenizer::Tokenizer::fromGguf(*m_file);
        std::optional<chat::ChatTemplate> chatTemplate;
        try {
            chatTemplate = chat::ChatTemplate::fromGguf(*m_file, chat::ChatTemplate::Fallback::ToKnownFormat);
        } catch (const Error &error) {
            qCInfo(lcEngine) << "no chat template, using a plain transcript:" << error.what();
        }
        const QString templateName = !chatTemplate ? QStringLiteral("none")
            : chatTemplate->name() == "gguf"       ? QStringLiteral("from file")
                                                   : QString::fromStdString(chatTemplate->name());
        if (chatTemplate && !chatTemplate->fallbackReason().empty())
            qCInfo(lcEngine) << "the file's chat template does not work, using" << templateName << ":" << chatTemplate->fallbackReason().c_str();
        m_prompt = std::make_unique<ChatPrompt>(*m_tokenizer, std::move(chatTemplate));
        step(0.3);
        try {
            m_backend = compute::createBackend(request.backend);
        } catch (const Error &error) {
            if (request.backend.name == "cpu")
                throw;
            qCWarning(lcEngine) << "backend" << request.backend.name.c_str() << "unavailable:" << error.what();
            Q_EMIT backendUnavailable(QString::fromStdString(error.what()));
            m_backend = compute::createBackend({.threads = request.backend.threads});
        }
        m_transformer = std::make_unique<model::Transformer>(*m_file, *m_backend, [&step](double loaded) {
            step(0.3 + 0.6 * loaded);
        });
        step(0.9);
        makeSession(request.context);
        Q_EMIT loadProgress(1.0);
        Q_EMIT loaded(static_cast<int>(m_session->contextLength()), templateName, backendName());
    } catch (const Cancelled &) {
        release();
        Q_EMIT loadCancelled();
    } catch (const std::exception &error) {
        release();
        Q_EMIT loadFailed(QString::fromStdString(error.what()));
    }
}

void EngineWorker::makeSession(std::size_t context)
{
    const std::size_t trained = m_transformer->config().contextLength;
    const std::size_t length = context > 0 && trained > 0 ? std::min(context, trained) : (context > 0 ? context : trained);
    m_session.reset();
    m_session = std::make_unique<session::Session>(*m_transformer, session::Session::Options{.contextLength = length, .kvType = m_kvType});
}

void EngineWorker::unload()
{
    release();
    Q_EMIT unloaded();
}

QString EngineWorker::backendName() const
{
    const std::string_view name = m_backend->name();
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}

void EngineWorker::setContext(std::size_t context)
{
    if (!m_transformer)
        return;
    try {
        makeSession(context);
        Q_EMIT loaded(static_cast<int>(m_session->contextLength()), QString(), backendName());
    } catch (const std::exception &error) {
        release();
        Q_EMIT loadFailed(QString::fromStdString(error.what()));
    }
}

const std::vector<std::string> &EngineWorker::tokenPieces()
{
    if (m_tokenPieces.empty()) {
        const std::size_t size = m_tokenizer->vocab().size();
        m_tokenPieces.reserve(size);
        for (std::size_t id = 0; id < size; ++id)
            m_tokenPieces.push_back(m_tokenizer->tokenBytes(static_cast<tokenizer::TokenId>(id)));
    }
    return m_tokenPieces;
}

void EngineWorker::generate(const GenerationRequest &request)
{
    if (!m_session) {
        Q_EMIT generationFailed(request.id, tr("No model is loaded."));
        return;
    }
    try {
        const std::size_t context = m_session->contextLength();
        const FittedPrompt prompt = m_prompt->fit(request.messages, context, replyReserve(request.options.maxTokens, context));
        Q_EMIT promptPrepared(request.id, static_cast<int>(prompt.tokens.size()), static_cast<int>(prompt.droppedMessages));
        const std::span<const std::string> pieces =
            request.sampler.dryMultiplier > 0.0f ? std::span<const std::string>(tokenPieces()) : std::span<const std::string>();
        session::Generator generator(*m_session, *m_tokenizer, sampling::buildChain(request.sampler, pieces));
        const session::GenerationResult result = generator.generate(
            prompt.tokens,
            request.options,
            [&](const session::GeneratedToken &token) {
                if (!token.text.empty())
                    Q_EMIT tokenGenerated(request.id, QString::fromStdString(token.text));
            },
            request.stop);
        if (!result.trailingText.empty())
            Q_EMIT tokenGenerated(request.id, QString::fromStdString(result.trailingText));
        Q_EMIT generationFinished(request.id, statsOf(result, prompt.droppedMessages));
    } catch (const std::exception &error) {
        Q_EMIT generationFailed(request.id, QString::fromStdString(error.what()));
    }
}

void EngineWorker::measure(const std::vector<chat::ChatMessage> &messages, const std::string &systemPrompt)
{
    if (!m_prompt)
        return;
    try {
        const std::size_t total = messages.empty() ? m_prompt->count(systemPrompt) : m_prompt->tokenize(messages, false).size();
        Q_EMIT measured(static_cast<int>(m_prompt->count(systemPrompt)), static_cast<int>(total));
    } catch (const std::exception &error) {
        // A template that cannot render this history yet (e.g. it ends with the user) is no reason to alarm anyone.
        qCDebug(lcEngine) << "cannot measure the conversation:" << error.what();
    }
}

} // namespace glassbox::app
