// Chat templates of real models rendered end to end, the fallback formats, and the explicit
// fallback. Every expected prompt is worked out by hand from the template text, as commented.

#include "chat/ChatTemplate.h"
#include "chat/KnownFormats.h"
#include "gguf/GgufFile.h"
#include "gguf/GgufWriter.h"
#include "util/Error.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "TestSupport.h"

using glassbox::chat::ChatMessage;
using glassbox::chat::ChatTemplate;

namespace {

// A system prompt and three user turns, two of them answered: the shape of a chat in progress.
const std::vector<ChatMessage> kConversation = {
    {"system", "You are a concise assistant."},
    {"user", "What is the capital of France?"},
    {"assistant", "Paris."},
    {"user", "And of Italy?"},
    {"assistant", "Rome."},
    {"user", "Thanks! Which one is larger?"},
};

// The paths of SmolLM2 and Gemma 3, in that order; empty when they cannot be fetched.
QStringList fetchedModels()
{
    static const QStringList paths = [] {
        const QString smollm2 = glassbox::test::fetchModel(QStringLiteral("smollm2"));
        const QString gemma3 = glassbox::test::fetchModel(QStringLiteral("gemma3"));
        return smollm2.isEmpty() || gemma3.isEmpty() ? QStringList() : QStringList{smollm2, gemma3};
    }();
    return paths;
}

std::string vocabFile(const char *name)
{
    return std::string(GLASSBOX_SHARED_DIR "/models/vocab/ggml-vocab-") + name + ".gguf";
}

glassbox::gguf::Value stringValue(const std::string &text)
{
    return {glassbox::gguf::ValueType::String, text};
}

// A vocab-only GGUF of a ChatML model whose own template is `source`.
std::string writeModel(const QTemporaryDir &dir, const std::string &source)
{
    using namespace glassbox::gguf;
    GgufWriter writer;
    writer.setMetadata("general.architecture", stringValue("llama"));
    writer.setMetadata("tokenizer.chat_template", stringValue(source));
    ValueArray tokens{ValueType::String, {}};
    for (const char *token : {"<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"})
        tokens.items.push_back(stringValue(token));
    writer.setMetadata("tokenizer.ggml.tokens", {ValueType::Array, tokens});
    writer.setMetadata("tokenizer.ggml.bos_token_id", {ValueType::UInt32, std::uint64_t(1)});
    writer.setMetadata("tokenizer.ggml.eos_token_id", {ValueType::UInt32, std::uint64_t(2)});
    const std::string path = dir.filePath(QStringLiteral("model.gguf")).toStdString();
    writer.write(path, [](std::size_t, std::uint8_t *) {});
    return path;
}

} // namespace

class ChatTemplateTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // SmolLM2's template is ChatML: each message becomes "<|im_start|>ROLE\nCONTENT<|im_end|>\n";
    // its default system prompt is only added when messages[0] is not a system message, and
    // add_generation_prompt opens an assistant turn.
    void smolLm2()
    {
        const QStringList models = fetchedModels();
        if (models.size() < 1)
            QSKIP("fetch-models.py could not provide SmolLM2 (no network and no cache?)");
        const glassbox::gguf::GgufFile file(models[0].toStdString());
        const ChatTemplate chat = ChatTemplate::fromGguf(file);
        QCOMPARE(chat.name(), std::string("gguf"));
        const std::string expected = "<|im_start|>system\nYou are a concise assistant.<|im_end|>\n"
                                     "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
                                     "<|im_start|>assistant\nParis.<|im_end|>\n"
                                     "<|im_start|>user\nAnd of Italy?<|im_end|>\n"
                                     "<|im_start|>assistant\nRome.<|im_end|>\n"
                                     "<|im_start|>user\nThanks! Which one is larger?<|im_end|>\n"
                                     "<|im_start|>assistant\n";
        QCOMPARE(chat.render(kConversation, true), expected);

        // Without a system message, loop.first brings in the template's own system prompt.
        const std::string noSystem = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                                     "<|im_start|>user\nHi<|im_end|>\n";
        QCOMPARE(chat.render({{"user", "Hi"}}, false), noSystem);
    }

    // gemma-3-270m (the base model) ships no tokenizer.chat_template, so fromGguf takes the format
    // guessed from architecture "gemma3": Gemma 3's own template. It prints bos_token ("<bos>" in
    // this file) once; it has no system role, so the system prompt plus "\n\n" prefixes the first
    // user turn (first_user_prefix, loop.first); "assistant" is renamed "model"; contents are
    // trimmed; each turn is "<start_of_turn>ROLE\n...<end_of_turn>\n"; the generation prompt is
    // "<start_of_turn>model\n". Every tag strips the template's own newlines ({%- -%}).
    void gemma3()
    {
        const QStringList models = fetchedModels();
        if (models.size() < 2)
            QSKIP("fetch-models.py could not provide Gemma 3 (no network and no cache?)");
        const glassbox::gguf::GgufFile file(models[1].toStdString());
        QVERIFY(!file.getString("tokenizer.chat_template"));
        const ChatTemplate chat = ChatTemplate::fromGguf(file);
        QCOMPARE(chat.name(), std::string("gemma"));
        const std::string expected = "<bos><start_of_turn>user\nYou are a concise assistant.\n\nWhat is the capital of France?<end_of_turn>\n"
                                     "<start_of_turn>model\nParis.<end_of_turn>\n"
                                     "<start_of_turn>user\nAnd of Italy?<end_of_turn>\n"
                                     "<start_of_turn>model\nRome.<end_of_turn>\n"
                                     "<start_of_turn>user\nThanks! Which one is larger?<end_of_turn>\n"
                                     "<start_of_turn>model\n";
        QCOMPARE(chat.render(kConversation, true), expected);

        // Roles that do not alternate hit the template's raise_exception.
        try {
            chat.render({{"user", "a"}, {"user", "b"}}, true);
            QFAIL("no error");
        } catch (const glassbox::Error &error) {
            QVERIFY2(std::string(error.what()).find("raise_exception: Conversation roles must alternate user/assistant/user/assistant/...")
                         != std::string::npos,
                     error.what());
        }
    }

    // This Phi-3 template prints bos_token ("<s>") once, then handles only user and assistant
    // messages: the system prompt is dropped. A user turn is "<|user|>\nCONTENT<|end|>\n" followed
    // by "<|assistant|>\n" every time, so the generation prompt is already there and
    // add_generation_prompt changes nothing; an assistant turn is "CONTENT<|end|>\n".
    void phi3()
    {
        const std::string path = vocabFile("phi-3");
        if (!QFileInfo::exists(QString::fromStdString(path)))
            QSKIP("no Phi-3 vocab file in " GLASSBOX_SHARED_DIR "/models/vocab");
        const glassbox::gguf::GgufFile file(path);
        const ChatTemplate chat = ChatTemplate::fromGguf(file);
        QCOMPARE(chat.name(), std::string("gguf"));
        const std::string expected = "<s><|user|>\nWhat is the capital of France?<|end|>\n<|assistant|>\n"
                                     "Paris.<|end|>\n"
                                     "<|user|>\nAnd of Italy?<|end|>\n<|assistant|>\n"
                                     "Rome.<|end|>\n"
                                     "<|user|>\nThanks! Which one is larger?<|end|>\n<|assistant|>\n";
        QCOMPARE(chat.render(kConversation, true), expected);
        QCOMPARE(chat.render(kConversation, false), expected);
    }

    void knownFormats_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const char *expected) { QTest::newRow(name) << QString::fromUtf8(name) << QString::fromUtf8(expected); };
        // ChatML: every message "<|im_start|>ROLE\nCONTENT<|im_end|>\n", then the assistant opener.
        row("chatml",
            "<|im_start|>system\nYou are a concise assistant.<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
            "<|im_start|>assistant\nParis.<|im_end|>\n<|im_start|>user\nAnd of Italy?<|im_end|>\n<|im_start|>assistant\nRome.<|im_end|>\n"
            "<|im_start|>user\nThanks! Which one is larger?<|im_end|>\n<|im_start|>assistant\n");
        // Llama 2: "<s>[INST] USER [/INST]" per user turn, the system prompt in <<SYS>> markers inside
        // the first; answers are " ANSWER </s>"; no generation prompt (the [/INST] ends the prompt).
        row("llama2",
            "<s>[INST] <<SYS>>\nYou are a concise assistant.\n<</SYS>>\n\nWhat is the capital of France? [/INST] Paris. </s>"
            "<s>[INST] And of Italy? [/INST] Rome. </s><s>[INST] Thanks! Which one is larger? [/INST]");
        // Llama 3: "<s>" once, then "<|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>" each,
        // then an assistant header.
        row("llama3",
            "<s><|start_header_id|>system<|end_header_id|>\n\nYou are a concise assistant.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nParis.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nAnd of Italy?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nRome.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nThanks! Which one is larger?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
        // Gemma: as in gemma3() above, with this test's "<s>" as bos_token.
        row("gemma",
            "<s><start_of_turn>user\nYou are a concise assistant.\n\nWhat is the capital of France?<end_of_turn>\n"
            "<start_of_turn>model\nParis.<end_of_turn>\n<start_of_turn>user\nAnd of Italy?<end_of_turn>\n"
            "<start_of_turn>model\nRome.<end_of_turn>\n<start_of_turn>user\nThanks! Which one is larger?<end_of_turn>\n"
            "<start_of_turn>model\n");
        // Phi-3 with a system role: "<|ROLE|>\nCONTENT<|end|>\n" each, then "<|assistant|>\n".
        row("phi3",
            "<|system|>\nYou are a concise assistant.<|end|>\n<|user|>\nWhat is the capital of France?<|end|>\n"
            "<|assistant|>\nParis.<|end|>\n<|user|>\nAnd of Italy?<|end|>\n<|assistant|>\nRome.<|end|>\n"
            "<|user|>\nThanks! Which one is larger?<|end|>\n<|assistant|>\n");
        // Mistral: "<s>" once, "[INST] USER [/INST]" with the system prompt + "\n\n" leading the
        // first, answers "ANSWER</s>".
        row("mistral",
            "<s>[INST] You are a concise assistant.\n\nWhat is the capital of France? [/INST]Paris.</s>"
            "[INST] And of Italy? [/INST]Rome.</s>[INST] Thanks! Which one is larger? [/INST]");
    }

    void knownFormats()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const auto &format = glassbox::chat::knownFormat(name.toStdString());
        const ChatTemplate chat(std::string(format.source), "<s>", "</s>", name.toStdString());
        QCOMPARE(QString::fromStdString(chat.render(kConversation, true)), expected);
    }

    void unknownFormatName()
    {
        try {
            glassbox::chat::knownFormat("vicuna");
            QFAIL("no error");
        } catch (const glassbox::Error &error) {
            QCOMPARE(std::string(error.what()), std::string("unknown chat format 'vicuna' (known: chatml, llama2, llama3, gemma, phi3, mistral)"));
        }
    }

    void guessesFormats()
    {
        using glassbox::chat::guessFormat;
        const QStringList models = fetchedModels();
        if (models.size() >= 2) {
            QCOMPARE(guessFormat(glassbox::gguf::GgufFile(models[0].toStdString())), std::optional<std::string>("chatml"));
            QCOMPARE(guessFormat(glassbox::gguf::GgufFile(models[1].toStdString())), std::optional<std::string>("gemma"));
        }
        if (!QFileInfo::exists(QString::fromStdString(vocabFile("llama-spm"))))
            QSKIP("no vocab files in " GLASSBOX_SHARED_DIR "/models/vocab");
        QCOMPARE(guessFormat(glassbox::gguf::GgufFile(vocabFile("phi-3"))), std::optional<std::string>("phi3"));
        QCOMPARE(guessFormat(glassbox::gguf::GgufFile(vocabFile("llama-spm"))), std::optional<std::string>("llama2"));
        const glassbox::gguf::GgufFile gpt2(vocabFile("gpt-2"));
        QCOMPARE(guessFormat(gpt2), std::nullopt);
        QVERIFY_THROWS_EXCEPTION(glassbox::Error, ChatTemplate::fromGguf(gpt2));
        // Naming a format works whatever the file says.
        QCOMPARE(ChatTemplate::knownFormat(gpt2, "chatml").render({{"user", "x"}}, false), std::string("<|im_start|>user\nx<|im_end|>\n"));
    }

    // A template that does not parse or does not render is an error unless the caller asks for
    // the fallback; then the guessed format (ChatML here) is used and the reason kept.
    void fallbackIsExplicit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        {
            const glassbox::gguf::GgufFile file(writeModel(dir, "{{ messages | wordwrap }}"));
            QVERIFY_THROWS_EXCEPTION(glassbox::Error, ChatTemplate::fromGguf(file));
            const ChatTemplate chat = ChatTemplate::fromGguf(file, ChatTemplate::Fallback::ToKnownFormat);
            QCOMPARE(chat.name(), std::string("chatml"));
            QCOMPARE(chat.fallbackReason(), std::string("chat template line 1, column 15: unsupported filter 'wordwrap'"));
            QCOMPARE(chat.render({{"user", "x"}}, true), std::string("<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n"));
        }
        {
            const glassbox::gguf::GgufFile file(writeModel(dir, "{{ raise_exception('only one message') }}"));
            const ChatTemplate own = ChatTemplate::fromGguf(file);
            QCOMPARE(own.name(), std::string("gguf"));
            QVERIFY_THROWS_EXCEPTION(glassbox::Error, own.render(kConversation, true));
            const ChatTemplate chat = ChatTemplate::fromGguf(file, ChatTemplate::Fallback::ToKnownFormat);
            QCOMPARE(chat.name(), std::string("chatml"));
            QCOMPARE(chat.fallbackReason(), std::string("chat template line 1, column 4: raise_exception: only one message"));
        }
        {
            const glassbox::gguf::GgufFile file(writeModel(dir, "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"));
            const ChatTemplate chat = ChatTemplate::fromGguf(file, ChatTemplate::Fallback::ToKnownFormat);
            QCOMPARE(chat.name(), std::string("gguf"));
            QVERIFY(chat.fallbackReason().empty());
            QCOMPARE(chat.render({{"user", "x"}}, true), std::string("<s>x</s>"));
        }
    }
};

QTEST_GUILESS_MAIN(ChatTemplateTest)
#include "ChatTemplateTest.moc"
