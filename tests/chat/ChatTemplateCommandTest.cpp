// glassbox-cli chat-template run as a process: the prompt on stdout byte for byte.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "TestSupport.h"

using namespace glassbox::test;

namespace {

CliRun runChatTemplate(const QStringList &arguments)
{
    return runCli(QStringLiteral("chat-template"), arguments);
}

// Writes a messages file into `dir` and returns its path.
QString writeFile(const QTemporaryDir &dir, const QByteArray &contents)
{
    const QString path = dir.filePath(QStringLiteral("m.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

const QString kConversation = QStringLiteral(GLASSBOX_TEST_DATA_DIR "/chat/conversation.json");

} // namespace

class ChatTemplateCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersTheFileTemplate()
    {
        const QString model = fetchModel(QStringLiteral("smollm2"));
        if (model.isEmpty())
            QSKIP("fetch-models.py could not provide SmolLM2 (no network and no cache?)");
        const CliRun run = runChatTemplate({QStringLiteral("--model"), model, QStringLiteral("--messages"), kConversation, QStringLiteral("--add-generation-prompt")});
        QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exitCode, 0);
        // SmolLM2's ChatML template; see ChatTemplateTest::smolLm2. No newline is added after it.
        QCOMPARE(run.out,
                 QByteArray("<|im_start|>system\nYou are a concise assistant.<|im_end|>\n"
                            "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
                            "<|im_start|>assistant\nParis.<|im_end|>\n"
                            "<|im_start|>user\nAnd of Italy?<|im_end|>\n"
                            "<|im_start|>assistant\nRome.<|im_end|>\n"
                            "<|im_start|>user\nThanks! Which one is larger?<|im_end|>\n"
                            "<|im_start|>assistant\n"));

        const CliRun noPrompt = runChatTemplate({QStringLiteral("--model"), model, QStringLiteral("--messages"), kConversation});
        QCOMPARE(noPrompt.exitCode, 0);
        QVERIFY(noPrompt.out.endsWith("Which one is larger?<|im_end|>\n"));
    }

    // --format works on a vocab-only file, and takes the file's special tokens.
    void rendersANamedFormat()
    {
        const QString vocab = QStringLiteral(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-phi-3.gguf");
        if (!QFile::exists(vocab))
            QSKIP("no Phi-3 vocab file in " GLASSBOX_SHARED_DIR "/models/vocab");
        QTemporaryDir dir;
        const QString messages = writeFile(dir, "[{\"role\": \"user\", \"content\": \"caf\\u00e9?\"}, {\"role\": \"assistant\", \"content\": \"Oui.\"}]");
        const CliRun run = runChatTemplate({QStringLiteral("--model"), vocab, QStringLiteral("--messages"), messages, QStringLiteral("--format"), QStringLiteral("llama2")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("<s>[INST] caf\xC3\xA9? [/INST] Oui. <|endoftext|>"));
    }

    void reportsErrors()
    {
        const QString vocab = QStringLiteral(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-phi-3.gguf");
        if (!QFile::exists(vocab))
            QSKIP("no Phi-3 vocab file in " GLASSBOX_SHARED_DIR "/models/vocab");
        QTemporaryDir dir;
        const QString messages = writeFile(dir, "[{\"role\": \"user\"}]");
        CliRun run = runChatTemplate({QStringLiteral("--model"), vocab, QStringLiteral("--messages"), messages});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("message 0 needs string \"role\" and \"content\" members"), run.err.constData());

        run = runChatTemplate({QStringLiteral("--model"), vocab, QStringLiteral("--messages"), kConversation, QStringLiteral("--format"), QStringLiteral("nope")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("unknown chat format 'nope'"), run.err.constData());

        run = runChatTemplate({QStringLiteral("--model"), vocab});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(ChatTemplateCommandTest)
#include "ChatTemplateCommandTest.moc"
