#include "EngineThread.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <list>

using namespace glassbox::app;

namespace
{

const QString kModel = QStringLiteral(GLASSBOX_SHARED_DIR "/models/stories260K.gguf");
constexpr int kTimeout = 120000; // generous: the tests also run under ASan on a busy machine

} // namespace

// The worker on its own thread with the real engine and the real (tiny) stories260K model.
class EngineWorkerTest : public QObject
{
    Q_OBJECT

private:
    // Records each emission of a worker signal in this (the test's) thread. QSignalSpy would record
    // in the engine thread, racing the checks here, and its wait() misses a signal that came early.
    template<typename... Args>
    QList<QVariantList> &record(EngineThread &engine, void (EngineWorker::*signal)(Args...))
    {
        QList<QVariantList> &calls = m_records.emplace_back();
        connect(engine.worker(), signal, this, [&calls](Args... args) {
            calls.append(QVariantList{QVariant::fromValue(std::decay_t<Args>(args))...});
        });
        return calls;
    }

    void load(EngineThread &engine, const QString &path, std::size_t context = 0, std::stop_token stop = {}, std::string backend = "cpu")
    {
        const LoadRequest request{.path = path, .backend = {.name = std::move(backend), .threads = 1}, .context = context, .stop = stop};
        engine.post([worker = engine.worker(), request] {
            worker->load(request);
        });
    }

    // The reply to `prompt` (greedy, 8 tokens), or the error it failed with as "error: ...".
    QString reply(EngineThread &engine, qint64 id, const std::string &prompt)
    {
        auto &tokens = record(engine, &EngineWorker::tokenGenerated);
        auto &finished = record(engine, &EngineWorker::generationFinished);
        auto &failed = record(engine, &EngineWorker::generationFailed);
        GenerationRequest request{.id = id, .messages = {{"user", prompt}}};
        request.sampler.temperature = 0.0f;
        request.options.maxTokens = 8;
        generate(engine, request);
        if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kTimeout))
            return QStringLiteral("error: no answer");
        if (!failed.isEmpty())
            return QStringLiteral("error: ") + failed.first().at(1).toString();
        QString text;
        for (const QVariantList &token : tokens)
            text += token.at(1).toString();
        return text;
    }

    void generate(EngineThread &engine, GenerationRequest request)
    {
        engine.post([worker = engine.worker(), request = std::move(request)] {
            worker->generate(request);
        });
    }

private Q_SLOTS:
    void init()
    {
        m_records.clear();
    }

    void loadsTheModelAndDescribesIt()
    {
        EngineThread engine;
        auto &inspected = record(engine, &EngineWorker::modelInspected);
        auto &progress = record(engine, &EngineWorker::loadProgress);
        auto &loaded = record(engine, &EngineWorker::loaded);
        load(engine, kModel, 256);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
        QCOMPARE(loaded.first().at(0).toInt(), 256);
        QCOMPARE(loaded.first().at(1).toString(), QStringLiteral("llama2")); // no template in the file: guessed from the architecture
        QCOMPARE(progress.last().first().toDouble(), 1.0);
        QCOMPARE(inspected.size(), 1);
        const QVariantMap card = inspected.first().first().toMap();
        QCOMPARE(card.value(QStringLiteral("architecture")).toString(), QStringLiteral("llama"));
        QCOMPARE(card.value(QStringLiteral("parameters")).toLongLong(), 292800);
        QCOMPARE(card.value(QStringLiteral("layers")).toInt(), 5);
        QCOMPARE(card.value(QStringLiteral("heads")).toInt(), 8);
        QCOMPARE(card.value(QStringLiteral("kvHeads")).toInt(), 4);
        QCOMPARE(card.value(QStringLiteral("embedding")).toInt(), 64);
        QCOMPARE(card.value(QStringLiteral("vocab")).toInt(), 512);
        QCOMPARE(card.value(QStringLiteral("contextTrained")).toInt(), 2048);
        QCOMPARE(card.value(QStringLiteral("tokenizer")).toString(), QStringLiteral("llama"));
        QVERIFY(card.value(QStringLiteral("quantMix")).toString().startsWith(QStringLiteral("F32 ×48")));
        // 2 (K and V) × 5 layers × 4 KV heads × 8 dims × 2 bytes.
        QCOMPARE(card.value(QStringLiteral("kvBytesPerToken")).toLongLong(), 640);

        // The context never exceeds what the model was trained for.
        loaded.clear();
        engine.post([worker = engine.worker()] {
            worker->setContext(100000);
        });
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
        QCOMPARE(loaded.first().at(0).toInt(), 2048);
    }

    void streamsARepliesAndStops()
    {
        EngineThread engine;
        auto &loaded = record(engine, &EngineWorker::loaded);
        load(engine, kModel, 512);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);

        auto &prepared = record(engine, &EngineWorker::promptPrepared);
        auto &tokens = record(engine, &EngineWorker::tokenGenerated);
        auto &finished = record(engine, &EngineWorker::generationFinished);
        GenerationRequest request{.id = 7, .messages = {{"user", "Once upon a time"}}};
        request.sampler.temperature = 0.0f;
        request.options.maxTokens = 12;
        generate(engine, request);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeout);
        QCOMPARE(finished.first().at(0).toLongLong(), 7);
        QCOMPARE(prepared.size(), 1);
        QVERIFY(prepared.first().at(1).toInt() > 4);
        QCOMPARE(prepared.first().at(2).toInt(), 0);
        QVERIFY(!tokens.isEmpty());
        QString text;
        for (const QList<QVariant> &token : tokens) {
            QCOMPARE(token.at(0).toLongLong(), 7);
            text += token.at(1).toString();
        }
        QVERIFY(!text.trimmed().isEmpty());
        const QVariantMap stats = finished.first().at(1).toMap();
        QCOMPARE(stats.value(QStringLiteral("finishReason")).toString(), QStringLiteral("length"));
        QCOMPARE(stats.value(QStringLiteral("generatedTokens")).toInt(), 12);
        QCOMPARE(stats.value(QStringLiteral("promptTokens")).toInt(), prepared.first().at(1).toInt());
        QVERIFY(stats.value(QStringLiteral("decodeTokensPerSecond")).toDouble() > 0);
        QVERIFY(stats.value(QStringLiteral("timeToFirstTokenMs")).toDouble() > 0);

        // The same prompt again with greedy sampling: the same reply, from the reused prefix.
        tokens.clear();
        finished.clear();
        request.id = 8;
        generate(engine, request);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeout);
        QString again;
        for (const QList<QVariant> &token : tokens)
            again += token.at(1).toString();
        QCOMPARE(again, text);
        QVERIFY(finished.first().at(1).toMap().value(QStringLiteral("reusedTokens")).toInt() > 0);

        // A stop requested before it starts ends it at once.
        std::stop_source stop;
        stop.request_stop();
        finished.clear();
        request.id = 9;
        request.options.maxTokens = -1;
        request.stop = stop.get_token();
        generate(engine, request);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeout);
        QCOMPARE(finished.first().at(1).toMap().value(QStringLiteral("finishReason")).toString(), QStringLiteral("cancelled"));
    }

    void dropsTheOldestTurnsWhenTheContextIsFull()
    {
        EngineThread engine;
        auto &loaded = record(engine, &EngineWorker::loaded);
        load(engine, kModel, 160);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);

        const std::string longText = "Lily and Tom played in the park with a big red ball all day long. ";
        GenerationRequest request{.id = 1, .messages = {{"system", "You tell stories."}}};
        for (int turn = 0; turn < 4; ++turn) {
            request.messages.push_back({"user", longText});
            request.messages.push_back({"assistant", longText});
        }
        request.messages.push_back({"user", "The end?"});
        request.options.maxTokens = 8;
        auto &prepared = record(engine, &EngineWorker::promptPrepared);
        auto &finished = record(engine, &EngineWorker::generationFinished);
        generate(engine, request);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeout);
        const int dropped = prepared.first().at(2).toInt();
        QVERIFY(dropped >= 2);
        QCOMPARE(dropped % 2, 0); // whole user/assistant turns
        QVERIFY(prepared.first().at(1).toInt() + 8 <= 160);
        QCOMPARE(finished.first().at(1).toMap().value(QStringLiteral("droppedMessages")).toInt(), dropped);

        // A single message longer than the whole context is an error, not a crash.
        auto &failed = record(engine, &EngineWorker::generationFailed);
        GenerationRequest huge{.id = 2};
        std::string text;
        for (int i = 0; i < 40; ++i)
            text += longText;
        huge.messages.push_back({"user", text});
        generate(engine, huge);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeout);
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("context")), qPrintable(failed.first().at(1).toString()));
    }

    void measuresTheConversation()
    {
        EngineThread engine;
        auto &loaded = record(engine, &EngineWorker::loaded);
        load(engine, kModel, 256);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
        auto &measured = record(engine, &EngineWorker::measured);
        engine.post([worker = engine.worker()] {
            worker->measure({{"system", "Be kind."}, {"user", "Hello there"}, {"assistant", "Hi"}}, "Be kind.");
        });
        QTRY_VERIFY_WITH_TIMEOUT(!measured.isEmpty(), kTimeout);
        const int system = measured.first().at(0).toInt();
        QVERIFY(system > 0);
        QVERIFY(measured.first().at(1).toInt() > system);
    }

    void reportsBadFilesClearly_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QFile model(kModel);
        QVERIFY(model.open(QIODevice::ReadOnly));
        const QByteArray all = model.readAll();
        QTest::newRow("truncated") << all.left(all.size() / 2) << QString();
        QTest::newRow("header only") << all.left(64) << QString();
        QTest::newRow("not gguf") << QByteArray("hello, this is not a model at all") << QString();
        // The value follows its key, a 4-byte type and an 8-byte length.
        QByteArray mamba = all;
        const QByteArray key = "general.architecture";
        const qsizetype at = mamba.indexOf(key) + key.size() + 4 + 8;
        QCOMPARE(mamba.mid(at, 5), QByteArray("llama"));
        mamba.replace(at, 5, "mamba");
        QTest::newRow("unsupported architecture") << mamba << QStringLiteral("unsupported architecture 'mamba'");
    }

    void reportsBadFilesClearly()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.gguf"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();

        EngineThread engine;
        auto &failed = record(engine, &EngineWorker::loadFailed);
        load(engine, path);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeout);
        const QString error = failed.first().first().toString();
        QVERIFY(!error.isEmpty());
        if (!expected.isEmpty())
            QVERIFY2(error.contains(expected), qPrintable(error));

        // Nothing is left loaded: a reply is refused plainly.
        auto &generationFailed = record(engine, &EngineWorker::generationFailed);
        generate(engine, GenerationRequest{.id = 1, .messages = {{"user", "hi"}}});
        QTRY_VERIFY_WITH_TIMEOUT(!generationFailed.isEmpty(), kTimeout);
    }

    void cancelsALoad()
    {
        EngineThread engine;
        auto &cancelled = record(engine, &EngineWorker::loadCancelled);
        auto &loaded = record(engine, &EngineWorker::loaded);
        std::stop_source stop;
        stop.request_stop();
        load(engine, kModel, 0, stop.get_token());
        QTRY_VERIFY_WITH_TIMEOUT(!cancelled.isEmpty(), kTimeout);
        QVERIFY(loaded.isEmpty());
    }

    // A lost GPU (a driver reset; simulated, GLASSBOX_VK_LOSE_DEVICE, since lavapipe cannot lose its
    // device) fails the reply with an error that says what to do, and keeps failing until the model
    // is loaded again, on a new device, which then answers as before.
    void recoversFromALostDevice()
    {
        EngineThread engine;
        auto &loaded = record(engine, &EngineWorker::loaded);
        load(engine, kModel, 256, {}, "vulkan");
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
        QCOMPARE(loaded.first().at(2).toString(), QStringLiteral("vulkan"));
        const QString before = reply(engine, 1, "Once upon a time");
        QVERIFY2(!before.startsWith(QStringLiteral("error:")) && !before.isEmpty(), qPrintable(before));

        qputenv("GLASSBOX_VK_LOSE_DEVICE", "1");
        const QString lost = reply(engine, 2, "Once upon a time");
        qunsetenv("GLASSBOX_VK_LOSE_DEVICE");
        QVERIFY2(lost.contains(QStringLiteral("VK_ERROR_DEVICE_LOST")) && lost.contains(QStringLiteral("load the model again")), qPrintable(lost));
        const QString stillLost = reply(engine, 3, "Once upon a time");
        QVERIFY2(stillLost.contains(QStringLiteral("VK_ERROR_DEVICE_LOST")), qPrintable(stillLost));

        loaded.clear();
        load(engine, kModel, 256, {}, "vulkan");
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
        QCOMPARE(loaded.first().at(2).toString(), QStringLiteral("vulkan"));
        QCOMPARE(reply(engine, 4, "Once upon a time"), before);
    }

private:
    std::list<QList<QVariantList>> m_records; // a list, so references stay valid
};

QTEST_GUILESS_MAIN(EngineWorkerTest)
#include "EngineWorkerTest.moc"
