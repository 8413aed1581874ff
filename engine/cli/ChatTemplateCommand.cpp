#include "Commands.h"

#include "chat/ChatTemplate.h"
#include "gguf/GgufFile.h"
#include "util/Error.h"
#include "util/JsonReader.h"

#include <fstream>
#include <iostream>
#include <iterator>

namespace glassbox::cli
{

namespace
{

std::vector<chat::ChatMessage> readMessages(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open '" + path + "'");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const JsonValue document = parseJson(text, path);
    const JsonValue::Array *list = document.asArray();
    if (!list)
        throw Error(path + ": expected a JSON list of {\"role\", \"content\"} objects");
    std::vector<chat::ChatMessage> messages;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const JsonValue *role = (*list)[i].member("role");
        const JsonValue *content = (*list)[i].member("content");
        if (!role || !role->asString() || !content || !content->asString())
            throw Error(path + ": message " + std::to_string(i) + " needs string \"role\" and \"content\" members");
        messages.push_back({*role->asString(), *content->asString()});
    }
    return messages;
}

} // namespace

// chat-template --model FILE --messages FILE.json [--add-generation-prompt] [--format NAME]
int chatTemplateCommand(Args &args)
{
    const std::string model = args.required("--model");
    const std::string messagesPath = args.required("--messages");
    const bool addGenerationPrompt = args.flag("--add-generation-prompt");
    const std::optional<std::string> format = args.option("--format");
    args.finish();

    const std::vector<chat::ChatMessage> messages = readMessages(messagesPath);
    const gguf::GgufFile file(model);
    const chat::ChatTemplate chatTemplate = format ? chat::ChatTemplate::knownFormat(file, *format) : chat::ChatTemplate::fromGguf(file);
    // Exactly the prompt: no trailing newline, so the output can be tokenized as is.
    std::cout << chatTemplate.render(messages, addGenerationPrompt) << std::flush;
    return 0;
}

} // namespace glassbox::cli
