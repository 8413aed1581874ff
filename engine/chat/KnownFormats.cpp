#include "KnownFormats.h"

#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <algorithm>

namespace glassbox::chat {

namespace {

// The templates of the models that define each format (Hugging Face tokenizer_config.json),
// reformatted for reading where whitespace control makes that safe.
constexpr std::string_view kChatMl =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Llama 2 chat: the system prompt goes inside the first [INST] between <<SYS>> markers.
constexpr std::string_view kLlama2 = R"({% if messages[0]['role'] == 'system' %}
    {%- set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}
{%- else %}
    {%- set loop_messages = messages %}{% set system_message = false %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if loop.index0 == 0 and system_message != false %}
        {%- set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}
    {%- else %}
        {%- set content = message['content'] %}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {{- bos_token + '[INST] ' + content.strip() + ' [/INST]' }}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + content.strip() + ' ' + eos_token }}
    {%- endif %}
{%- endfor %})";

constexpr std::string_view kLlama3 = R"({% for message in messages %}
    {%- set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' %}
    {%- if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}
    {{- content }}
{%- endfor %}
{%- if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %})";

// Gemma 3: no system role; the system prompt is folded into the first user turn.
constexpr std::string_view kGemma = R"({{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- if messages[0]['content'] is string -%}
        {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}
    {%- else -%}
        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}
    {%- endif -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- elif message['content'] is iterable -%}
        {%- for item in message['content'] -%}
            {%- if item['type'] == 'image' -%}
                {{ '<start_of_image>' }}
            {%- elif item['type'] == 'text' -%}
                {{ item['text'] | trim }}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {{ raise_exception("Invalid content type") }}
    {%- endif -%}
    {{ '<end_of_turn>\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model\n'}}
{%- endif -%})";

// Phi-3 mini instruct (the revision with a system role).
constexpr std::string_view kPhi3 = R"({% for message in messages %}
    {%- if message['role'] == 'system' %}{{ '<|system|>\n' + message['content'] + '<|end|>\n' }}
    {%- elif message['role'] == 'user' %}{{ '<|user|>\n' + message['content'] + '<|end|>\n' }}
    {%- elif message['role'] == 'assistant' %}{{ '<|assistant|>\n' + message['content'] + '<|end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %})";

// Mistral 7B Instruct: user turns in [INST]; with no system role in the format, the system
// prompt leads the first user turn.
constexpr std::string_view kMistral = R"({{ bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_prefix = messages[0]['content'] + '\n\n' %}{% set loop_messages = messages[1:] %}
{%- else %}
    {%- set system_prefix = '' %}{% set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {{- '[INST] ' + (system_prefix if loop.first else '') + message['content'] + ' [/INST]' }}
    {%- else %}
        {{- message['content'] + eos_token }}
    {%- endif %}
{%- endfor %})";

bool hasToken(const gguf::GgufFile &file, std::string_view token)
{
    const gguf::ValueArray *tokens = file.getArray("tokenizer.ggml.tokens");
    if (!tokens)
        return false;
    return std::any_of(tokens->items.begin(), tokens->items.end(), [&](const gguf::Value &value) {
        const std::string *text = value.asString();
        return text && *text == token;
    });
}

} // namespace

const std::vector<KnownFormat> &knownFormats()
{
    static const std::vector<KnownFormat> formats = {
        {"chatml", kChatMl}, {"llama2", kLlama2}, {"llama3", kLlama3}, {"gemma", kGemma}, {"phi3", kPhi3}, {"mistral", kMistral},
    };
    return formats;
}

const KnownFormat &knownFormat(std::string_view name)
{
    std::string names;
    for (const KnownFormat &format : knownFormats()) {
        if (format.name == name)
            return format;
        names += (names.empty() ? "" : ", ") + std::string(format.name);
    }
    throw Error("unknown chat format '" + std::string(name) + "' (known: " + names + ")");
}

std::optional<std::string> guessFormat(const gguf::GgufFile &file)
{
    const std::string architecture = file.architecture();
    if (architecture.starts_with("gemma"))
        return "gemma";
    if (architecture == "phi3")
        return "phi3";
    if (hasToken(file, "<|im_start|>"))
        return "chatml";
    if (hasToken(file, "<|start_header_id|>"))
        return "llama3";
    if (hasToken(file, "[INST]"))
        return "mistral";
    if (architecture == "llama")
        return "llama2";
    return std::nullopt;
}

} // namespace glassbox::chat
