#include "Commands.h"

#include "gguf/GgufFile.h"
#include "model/ModelInfo.h"
#include "util/Error.h"
#include "util/Json.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace glassbox::cli {

namespace {

using model::ModelInfo;

constexpr std::uint64_t kF16Bytes = 2; // the KV cache is estimated in F16, llama.cpp's default

// What `inspect` reports about memory: the weights as stored plus the KV cache at the chosen context.
struct MemoryEstimate {
    std::uint64_t context = 0;
    std::uint64_t weightBytes = 0;
    std::optional<std::uint64_t> kvCacheBytes;
    std::optional<std::uint64_t> totalBytes;
};

MemoryEstimate estimateMemory(const ModelInfo &info, std::uint64_t context)
{
    MemoryEstimate memory;
    memory.context = context;
    memory.weightBytes = info.weightBytes;
    memory.kvCacheBytes = info.kvCacheBytes(context, kF16Bytes);
    if (memory.kvCacheBytes && *memory.kvCacheBytes <= UINT64_MAX - memory.weightBytes)
        memory.totalBytes = memory.weightBytes + *memory.kvCacheBytes;
    return memory;
}

// 1234567 -> "1,234,567"
std::string grouped(std::uint64_t number)
{
    std::string digits = std::to_string(number);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<std::size_t>(at), ",");
    return digits;
}

std::string humanBytes(std::uint64_t bytes)
{
    static constexpr const char *kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    if (unit == 0)
        return grouped(bytes) + " bytes";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %s", value, kUnits[unit]);
    return text;
}

// 1836288 -> "1,836,288 (1.84 M)"
std::string parameters(std::uint64_t count)
{
    static constexpr std::pair<double, const char *> kScales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const auto &[scale, suffix] : kScales) {
        if (static_cast<double>(count) >= scale) {
            char text[32];
            std::snprintf(text, sizeof text, " (%.2f %s)", static_cast<double>(count) / scale, suffix);
            return grouped(count) + text;
        }
    }
    return grouped(count);
}

std::string orDash(const std::optional<std::uint64_t> &value)
{
    return value ? grouped(*value) : "-";
}

std::string orDash(const std::string &text)
{
    return text.empty() ? "-" : text;
}

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string ropeSummary(const model::RopeInfo &rope)
{
    std::string text = "dimensions " + orDash(rope.dimensionCount) + ", base " + (rope.freqBase ? number(*rope.freqBase) : "-");
    if (!rope.scalingType.empty() || rope.scalingFactor) {
        text += ", scaling " + orDash(rope.scalingType);
        if (rope.scalingFactor)
            text += " x" + number(*rope.scalingFactor);
        if (rope.originalContext)
            text += " from " + grouped(*rope.originalContext);
    }
    return text;
}

std::string quantMix(const ModelInfo &info)
{
    std::string text;
    for (const model::TensorTypeCount &count : info.tensorTypes) {
        text += (text.empty() ? "" : ", ") + std::string(gguf::tensorTypeName(count.type)) + " x " + std::to_string(count.tensors) + " ("
            + humanBytes(count.bytes) + ")";
    }
    return orDash(text);
}

std::string specialTokens(const ModelInfo &info)
{
    std::string text;
    for (const model::SpecialToken &token : info.specialTokens) {
        text += (text.empty() ? "" : ", ") + token.role + " " + std::to_string(token.id);
        if (!token.text.empty())
            text += " " + JsonWriter::quote(token.text);
    }
    return orDash(text);
}

void printText(const std::string &path, const ModelInfo &info, const MemoryEstimate &memory)
{
    const std::string heads = orDash(info.headCount) + " (KV heads " + orDash(info.kvHeadCount) + ", head dim " + orDash(info.headDim) + ")";
    // Empty labels separate the sections.
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"File", path},
        {"Format", "GGUF v" + std::to_string(info.ggufVersion) + ", " + humanBytes(info.fileSize) + " (" + grouped(info.fileSize) + " bytes)"},
        {"Architecture", orDash(info.architecture)},
        {"Name", orDash(info.name)},
        {"Parameters", parameters(info.parameterCount)},
        {"Tensors", grouped(info.tensorCount)},
        {"Tensor types", quantMix(info)},
        {"", ""},
        {"Context length", orDash(info.contextLength)},
        {"Layers", orDash(info.layerCount)},
        {"Heads", heads},
        {"Embedding length", orDash(info.embeddingLength)},
        {"FFN length", orDash(info.feedForwardLength)},
        {"RoPE", ropeSummary(info.rope)},
        {"Sliding window", orDash(info.slidingWindow)},
        {"", ""},
        {"Tokenizer", orDash(info.tokenizerModel)},
        {"Pre-tokenizer", orDash(info.preTokenizer)},
        {"Vocabulary", grouped(info.vocabSize) + " tokens"},
        {"Special tokens", specialTokens(info)},
        {"Chat template", info.hasChatTemplate ? grouped(info.chatTemplateLength) + " bytes" : "none"},
        {"", ""},
        {"Memory at context", grouped(memory.context) + " (F16 KV cache)"},
        {"  weights", humanBytes(memory.weightBytes)},
        {"  KV cache", memory.kvCacheBytes ? humanBytes(*memory.kvCacheBytes) : "unknown"},
        {"  total", memory.totalBytes ? humanBytes(*memory.totalBytes) : "unknown"},
    };
    std::size_t width = 0;
    for (const auto &row : rows)
        width = std::max(width, row.first.size());
    for (const auto &[label, value] : rows) {
        if (label.empty())
            std::cout << '\n';
        else
            std::cout << label << std::string(width + 2 - label.size(), ' ') << value << '\n';
    }
}

void writeOptional(JsonWriter &json, const char *key, const std::optional<std::uint64_t> &value)
{
    json.key(key);
    if (value)
        json.value(*value);
    else
        json.null();
}

void writeOptional(JsonWriter &json, const char *key, const std::optional<double> &value)
{
    json.key(key);
    if (value)
        json.value(*value);
    else
        json.null();
}

void writeOptional(JsonWriter &json, const char *key, const std::string &text)
{
    json.key(key);
    if (text.empty())
        json.null();
    else
        json.value(text);
}

void printJson(const std::string &path, const ModelInfo &info, const MemoryEstimate &memory)
{
    JsonWriter json;
    json.beginObject();
    json.key("file").value(path);
    json.key("ggufVersion").value(info.ggufVersion);
    json.key("fileSize").value(info.fileSize);
    writeOptional(json, "architecture", info.architecture);
    writeOptional(json, "name", info.name);
    json.key("parameterCount").value(info.parameterCount);
    json.key("tensorCount").value(info.tensorCount);
    json.key("tensorTypes").beginArray();
    for (const model::TensorTypeCount &count : info.tensorTypes) {
        json.beginObject();
        json.key("type").value(gguf::tensorTypeName(count.type));
        json.key("tensors").value(count.tensors);
        json.key("bytes").value(count.bytes);
        json.endObject();
    }
    json.endArray();

    writeOptional(json, "contextLength", info.contextLength);
    writeOptional(json, "layerCount", info.layerCount);
    writeOptional(json, "headCount", info.headCount);
    writeOptional(json, "kvHeadCount", info.kvHeadCount);
    writeOptional(json, "headDim", info.headDim);
    writeOptional(json, "embeddingLength", info.embeddingLength);
    writeOptional(json, "feedForwardLength", info.feedForwardLength);
    writeOptional(json, "slidingWindow", info.slidingWindow);
    json.key("rope").beginObject();
    writeOptional(json, "dimensionCount", info.rope.dimensionCount);
    writeOptional(json, "freqBase", info.rope.freqBase);
    writeOptional(json, "scalingType", info.rope.scalingType);
    writeOptional(json, "scalingFactor", info.rope.scalingFactor);
    writeOptional(json, "originalContext", info.rope.originalContext);
    json.endObject();

    json.key("vocabSize").value(info.vocabSize);
    writeOptional(json, "tokenizerModel", info.tokenizerModel);
    writeOptional(json, "preTokenizer", info.preTokenizer);
    json.key("specialTokens").beginArray();
    for (const model::SpecialToken &token : info.specialTokens) {
        json.beginObject();
        json.key("role").value(token.role);
        json.key("id").value(token.id);
        json.key("text").value(token.text);
        json.endObject();
    }
    json.endArray();
    json.key("hasChatTemplate").value(info.hasChatTemplate);
    json.key("chatTemplateLength").value(info.chatTemplateLength);

    json.key("memory").beginObject();
    json.key("context").value(memory.context);
    json.key("kvBytesPerElement").value(kF16Bytes);
    json.key("weightBytes").value(memory.weightBytes);
    writeOptional(json, "kvCacheBytes", memory.kvCacheBytes);
    writeOptional(json, "totalBytes", memory.totalBytes);
    json.endObject();
    json.endObject();
    std::cout << json.str() << '\n';
}

} // namespace

int inspectCommand(Args &args)
{
    // 0 stands for the context the model was trained with.
    const long long context = args.integer("--ctx", 0);
    const bool asJson = args.flag("--json");
    const auto path = args.positional();
    args.finish();
    if (!path)
        throw Error("inspect needs a GGUF file");
    if (context < 0)
        throw Error("--ctx must be a positive number of tokens");

    const gguf::GgufFile file(*path);
    const ModelInfo info = ModelInfo::fromGguf(file);
    const MemoryEstimate memory = estimateMemory(info, context > 0 ? static_cast<std::uint64_t>(context) : info.contextLength.value_or(0));
    if (asJson)
        printJson(*path, info, memory);
    else
        printText(*path, info, memory);
    return 0;
}

} // namespace glassbox::cli
