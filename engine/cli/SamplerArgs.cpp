#include "SamplerArgs.h"

#include "util/Error.h"

#include <algorithm>
#include <charconv>

namespace glassbox::cli
{

namespace
{

float real(Args &args, const std::string &name, float fallback)
{
    const std::optional<std::string> text = args.option(name);
    if (!text)
        return fallback;
    float value = 0.0f;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size())
        throw Error("option " + name + " expects a number, got '" + *text + "'");
    return value;
}

} // namespace

sampling::SamplerSettings samplerSettings(Args &args)
{
    sampling::SamplerSettings settings;
    settings.temperature = real(args, "--temp", 0.0f);
    settings.topK = static_cast<int>(std::clamp(args.integer("--top-k", settings.topK), -1LL, 1LL << 30));
    settings.topP = real(args, "--top-p", settings.topP);
    settings.minP = real(args, "--min-p", settings.minP);
    if (const std::optional<std::string> seed = args.option("--seed")) {
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(seed->data(), seed->data() + seed->size(), value);
        if (error != std::errc() || end != seed->data() + seed->size())
            throw Error("option --seed expects a non-negative integer, got '" + *seed + "'");
        settings.seed = value;
    }
    return settings;
}

} // namespace glassbox::cli
