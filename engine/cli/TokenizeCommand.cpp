#include "Commands.h"

#include "gguf/GgufFile.h"
#include "tokenizer/Tokenizer.h"
#include "util/Error.h"
#include "util/Json.h"

#include <fstream>
#include <iostream>
#include <iterator>

namespace glassbox::cli {

namespace {

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open '" + path + "'");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw Error("cannot read '" + path + "'");
    return bytes;
}

std::string toJson(const tokenizer::Tokenizer &tokenizer, const std::vector<tokenizer::TokenId> &ids)
{
    JsonWriter json;
    json.beginObject().key("ids").beginArray();
    for (const tokenizer::TokenId id : ids)
        json.value(static_cast<std::int64_t>(id));
    json.endArray().key("pieces").beginArray();
    for (const tokenizer::TokenId id : ids)
        json.value(tokenizer.vocab().tokens[static_cast<std::size_t>(id)]);
    // Raw bytes, since a piece may be part of a UTF-8 character; special tokens show their text.
    json.endArray().key("bytes").beginArray();
    for (const tokenizer::TokenId id : ids) {
        json.beginArray();
        for (const char byte : tokenizer.tokenBytes(id, true))
            json.value(static_cast<unsigned>(static_cast<unsigned char>(byte)));
        json.endArray();
    }
    json.endArray().endObject();
    return json.str();
}

} // namespace

// tokenize --model FILE [--no-bos] [--special] (TEXT | --file F) [--json]
int tokenizeCommand(Args &args)
{
    const std::string model = args.required("--model");
    const bool addSpecial = !args.flag("--no-bos");
    const bool parseSpecial = args.flag("--special");
    const bool asJson = args.flag("--json");
    const std::optional<std::string> file = args.option("--file");
    const std::optional<std::string> positional = args.positional();
    args.finish();
    if (file && positional)
        throw Error("give either TEXT or --file, not both");
    if (!file && !positional)
        throw Error("nothing to tokenize: give TEXT or --file F");
    const std::string text = file ? readFile(*file) : *positional;

    const gguf::GgufFile gguf(model);
    const std::unique_ptr<tokenizer::Tokenizer> tokenizer = tokenizer::Tokenizer::fromGguf(gguf);
    const std::vector<tokenizer::TokenId> ids = tokenizer->encode(text, addSpecial, parseSpecial);

    if (asJson) {
        std::cout << toJson(*tokenizer, ids) << '\n';
    } else {
        for (std::size_t i = 0; i < ids.size(); ++i)
            std::cout << (i ? " " : "") << ids[i];
        std::cout << '\n';
    }
    return 0;
}

} // namespace glassbox::cli
