#include "PreTokenizer.h"

#include "Utf8.h"
#include "util/Error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

namespace glassbox::tokenizer
{

namespace
{

// The regex lists are llama.cpp's (llm_tokenizer_bpe in llama-vocab.cpp). llama.cpp runs most of
// them through std::regex on a text where every non-ASCII whitespace character was turned into
// \v, so a bracketed range never matches such a character; where a range spans one, it is split
// around it here. \s and \S are expanded to llama.cpp's whitespace set (withExplicitWhitespace).

constexpr std::string_view kContractions = R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]))re";

constexpr std::string_view kGpt2 = R"re('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))re";

constexpr std::string_view kLlama3Tail = R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr std::string_view kQwen2Tail = R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

// CJK ideographs, everything from U+0800 up to them, and Hangul; U+1680, U+2000-U+200A,
// U+2028/9, U+202F, U+205F and U+3000 left out (whitespace, see above).
constexpr std::string_view kDeepseekCjk = R"re([\x{4E00}-\x{9FA5}\x{0800}-\x{167F}\x{1681}-\x{1FFF}\x{200B}-\x{2027})re"
                                          R"re(\x{202A}-\x{202E}\x{2030}-\x{205E}\x{2060}-\x{2FFF}\x{3001}-\x{4E00}\x{AC00}-\x{D7FF}]+)re";

// Cased letters (Lu, Ll, Lt), as DeepSeek LLM's tokenizer.json lists them.
constexpr std::string_view kDeepseekLetters = R"re(\s?[A-Za-z\x{B5}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{1BA}\x{1BC}-\x{1BF}\x{1C4}-\x{293}\x{295}-\x{2AF})re"
                                              R"re(\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{37F}\x{386}\x{388}-\x{38A}\x{38C}\x{38E}-\x{3A1})re"
                                              R"re(\x{3A3}-\x{3F5}\x{3F7}-\x{481}\x{48A}-\x{52F}\x{531}-\x{556}\x{10A0}-\x{10C5}\x{13A0}-\x{13F5})re"
                                              R"re(\x{13F8}-\x{13FD}\x{1C90}-\x{1CBA}\x{1CBD}-\x{1CBF}\x{1D00}-\x{1D2B}\x{1D6B}-\x{1D77}\x{1D79}-\x{1D9A})re"
                                              R"re(\x{1E00}-\x{1F15}\x{1F18}-\x{1F1D}\x{1F20}-\x{1F45}\x{1F48}-\x{1F4D}\x{1F50}-\x{1F57}\x{1F59}\x{1F5B})re"
                                              R"re(\x{1F5D}\x{1F5F}-\x{1F7D}\x{1F80}-\x{1FB4}\x{1FB6}-\x{1FBC}\x{1FBE}\x{1FC2}-\x{1FC4}\x{1FC6}-\x{1FCC})re"
                                              R"re(\x{1FD0}-\x{1FD3}\x{1FD6}-\x{1FDB}\x{1FE0}-\x{1FEC}\x{1FF2}-\x{1FF4}\x{1FF6}-\x{1FFC}\x{2102}\x{2107})re"
                                              R"re(\x{210A}-\x{2113}\x{2115}\x{2119}-\x{211D}\x{2124}\x{2126}\x{2128}\x{212A}-\x{212D}\x{212F}-\x{2134})re"
                                              R"re(\x{2139}\x{213C}-\x{213F}\x{2145}-\x{2149}\x{214E}\x{2183}\x{2184}\x{2C00}-\x{2C7B}\x{2C7E}-\x{2CE4})re"
                                              R"re(\x{2CEB}-\x{2CEE}\x{2CF2}\x{2CF3}\x{A640}-\x{A66D}\x{A680}-\x{A69B}\x{A722}-\x{A76F}\x{A771}-\x{A787})re"
                                              R"re(\x{A78B}-\x{A78E}\x{AB70}-\x{ABBF}\x{FB00}-\x{FB06}\x{FB13}-\x{FB17}\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A})re"
                                              R"re(\x{10400}-\x{1044F}\x{104B0}-\x{104D3}\x{104D8}-\x{104FB}\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2})re"
                                              R"re(\x{118A0}-\x{118DF}\x{1E900}-\x{1E943}]+)re";

// ASCII and full-width punctuation, curly quotes, 、 and 。 (U+3000 left out, see above).
constexpr std::string_view kDeepseekPunctuation = R"re(\s?[!-/:-~\x{FF01}-\x{FF0F}\x{FF1A}-\x{FF5E}\x{2018}-\x{201F}\x{3001}-\x{3002}]+)re";

constexpr std::string_view kCjkKana = R"re([\x{4E00}-\x{9FA5}\x{3040}-\x{309F}\x{30A0}-\x{30FF}]+)re";
constexpr std::string_view kAsciiPunctuationWord = R"re([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+)re";
constexpr std::string_view kNotSeparator = R"re( ?[^(\s|.,!?\x{2026}\x{3002}\x{FF0C}\x{3001}\x{0964}\x{06D4}\x{060C})]+)re";

// Mistral's and GPT-4o's letter runs: capitals then lower case, via lookaheads since the regex
// engines lack class intersection.
constexpr std::string_view kCasedWords = R"re([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+)re";
constexpr std::string_view kCasedWordsUpper = R"re(|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*)re";

std::string concat(std::initializer_list<std::string_view> parts)
{
    std::string out;
    for (const std::string_view part : parts)
        out += part;
    return out;
}

struct Definition {
    std::vector<std::string_view> names;
    std::vector<std::string> regexes;
    bool ignoreMerges = false;
};

const std::vector<Definition> &definitions()
{
    static const std::vector<Definition> table = [] {
        const std::string llama3 = concat({kContractions, kLlama3Tail});
        const std::string qwen2 = concat({kContractions, kQwen2Tail});
        const std::string optionalContractions = concat({kContractions, "?"});
        return std::vector<Definition>{
            {{"default", ""}, {R"re([\p{P}\$\+<=>\^~\|]+)re", std::string(kGpt2), R"re(\p{N}+)re", "[0-9][0-9][0-9]"}},
            {{"gpt-2",
              "mpt",
              "phi-2",
              "jina-es",
              "jina-de",
              "gigachat",
              "jina-v2-es",
              "jina-v2-de",
              "a.x-4.0",
              "mellum",
              "modern-bert",
              "exaone4",
              "jina-v1-en",
              "jina-v2-code",
              "roberta-bpe",
              "olmo",
              "jais",
              "trillion",
              "granite-docling"},
             {std::string(kGpt2)}},
            {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"}, {llama3}, true},
            {{"dbrx", "smaug-bpe", "glm4", "chatglm-bpe"}, {llama3}},
            {{"jais-2"},
             {concat({kContractions,
                      R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s{512}(?!\S)|\s{256}(?!\S))re",
                      R"re(|\s{128}(?!\S)|\s{64}(?!\S)|\s{32}(?!\S)|\s{16}(?!\S)|\s{8}(?!\S)|\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1})re"})}},
            {{"deepseek-llm"},
             {R"re([\r\n])re", std::string(kDeepseekLetters), std::string(kDeepseekPunctuation), R"re(\s+$)re", std::string(kDeepseekCjk), R"re(\p{N}+)re"}},
            {{"deepseek-coder"}, {R"re([\r\n])re", R"re(\s?\p{L}+)re", R"re(\s?\p{P}+)re", std::string(kDeepseekCjk), R"re(\p{N})re"}},
            {{"deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4"},
             {R"re(\p{N}{1,3})re",
              std::string(kCjkKana),
              concat({kAsciiPunctuationWord, R"re(|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"})}},
            {{"spark2_5"},
             {R"re(\p{N}{1,3})re",
              std::string(kCjkKana),
              concat({kAsciiPunctuationWord, R"re(|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+|[\r\n]|\s+(?!\S)|\s+)re"}),
              R"re(\p{N})re"}},
            {{"falcon"}, {R"re([\p{P}\$\+<=>\^~\|`]+)re", std::string(kGpt2), "[0-9][0-9][0-9]"}},
            {{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2"}, {R"re(\p{N})re", std::string(kGpt2)}},
            {{"qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open", "grok-2"}, {qwen2}},
            {{"qwen35"}, {concat({kContractions, R"re(|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"})}},
            {{"poro-chat", "bloom", "gpt3-finnish"}, {std::string(kNotSeparator)}},
            {{"viking"}, {std::string(kNotSeparator), R"re(\p{N})re"}},
            {{"tekken"}, {concat({kCasedWords, kCasedWordsUpper, R"re(|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"})}, true},
            {{"gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"},
             {concat({kCasedWords,
                      optionalContractions,
                      kCasedWordsUpper,
                      optionalContractions,
                      R"re(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"})}},
            {{"chameleon"},
             {"<sentinel:[0-9]+>",
              "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
              R"re(([\t\n]|    |  ))re",
              R"re(\p{N})re",
              R"re([\p{P}!-/:-@\[-`{-~])re",
              std::string(kGpt2)}},
            {{"bailingmoe", "bailingmoe2", "llada-moe"},
             {R"re('(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+)re"}},
            {{"seed-coder"}, {concat({kContractions, R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+)re"})}},
            {{"ufakzeka"}, {std::string(kQwen2Tail.substr(1))}},
            {{"exaone-moe"},
             {concat({kContractions, R"re(|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+)re"})}},
            {{"laguna"}, {R"re([^\n]+|[\n]+)re", qwen2}},
            {{"minicpm5"},
             {R"re(\p{N}{1,3})re", concat({kContractions, R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}+| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"})},
             true},
        };
    }();
    return table;
}

const Definition *findDefinition(std::string_view name)
{
    for (const Definition &definition : definitions()) {
        if (std::find(definition.names.begin(), definition.names.end(), name) != definition.names.end())
            return &definition;
    }
    return nullptr;
}

// llama.cpp's whitespace: Unicode White_Space. PCRE2's \s also takes U+180E.
constexpr std::string_view kWhitespace = R"re(\t-\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})re";

std::string withExplicitWhitespace(std::string_view pattern)
{
    std::string out;
    bool inClass = false;
    std::size_t classStart = 0; // where the class's items begin, after '[' or "[^"
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char escaped = pattern[++i];
            if (escaped == 's') {
                out += inClass ? std::string(kWhitespace) : "[" + std::string(kWhitespace) + "]";
            } else if (escaped == 'S' && !inClass) {
                out += "[^" + std::string(kWhitespace) + "]";
            } else {
                out += c;
                out += escaped;
            }
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            classStart = i + 1 < pattern.size() && pattern[i + 1] == '^' ? i + 2 : i + 1;
        } else if (inClass && c == ']' && i != classStart) {
            inClass = false;
        }
        out += c;
    }
    return out;
}

struct CodeDeleter {
    void operator()(pcre2_code *code) const
    {
        pcre2_code_free(code);
    }
};
using Code = std::unique_ptr<pcre2_code, CodeDeleter>;

struct MatchDataDeleter {
    void operator()(pcre2_match_data *data) const
    {
        pcre2_match_data_free(data);
    }
};

Code compile(std::string_view pattern)
{
    const std::string expanded = withExplicitWhitespace(pattern);
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    // DOLLAR_ENDONLY: $ as in std::regex, not also before a final newline.
    Code code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expanded.data()),
                            expanded.size(),
                            PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY,
                            &error,
                            &errorOffset,
                            nullptr));
    if (!code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw Error("pre-tokenizer regex does not compile at offset " + std::to_string(errorOffset) + ": " + reinterpret_cast<const char *>(message));
    }
    // Without JIT support PCRE2 interprets the pattern; the result is the same.
    pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE);
    return code;
}

// llama.cpp decodes leniently (an invalid byte becomes U+FFFD, an overlong form its code point)
// and splits the re-encoded text. Surrogates and values past U+10FFFF, which PCRE2 cannot take,
// become U+FFFD as well.
std::string cleanUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t codePoint : utf8::decode(text)) {
        if ((codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint > 0x10FFFF)
            codePoint = U'\uFFFD';
        utf8::append(out, codePoint);
    }
    return out;
}

struct Span {
    std::size_t offset = 0;
    std::size_t length = 0;
};

// Matches and the gaps between them, in order. Each span is its own subject, so lookaheads and $
// stop at its end, as they do in llama.cpp.
void splitSpan(const pcre2_code *code, pcre2_match_data *matchData, std::string_view text, Span span, std::vector<Span> &out)
{
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data() + span.offset);
    std::size_t done = 0;
    std::size_t searchFrom = 0;
    while (searchFrom < span.length) {
        const int rc = pcre2_match(code, subject, span.length, searchFrom, PCRE2_NO_UTF_CHECK, matchData, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            throw Error(std::string("pre-tokenizer regex failed: ") + reinterpret_cast<const char *>(message));
        }
        const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(matchData);
        const std::size_t begin = ovector[0];
        const std::size_t end = ovector[1];
        if (end == begin) {
            // An empty match splits nothing: search again from the next character.
            searchFrom = begin + 1;
            while (searchFrom < span.length && (subject[searchFrom] & 0xC0) == 0x80)
                ++searchFrom;
            continue;
        }
        if (begin > done)
            out.push_back({span.offset + done, begin - done});
        out.push_back({span.offset + begin, end - begin});
        done = searchFrom = end;
    }
    if (done < span.length)
        out.push_back({span.offset + done, span.length - done});
}

} // namespace

struct PreTokenizer::Impl {
    std::vector<Code> regexes;
    bool ignoreMerges = false;
};

PreTokenizer::PreTokenizer(std::string_view name)
    : m_impl(std::make_unique<Impl>())
{
    const Definition *definition = findDefinition(name);
    if (!definition)
        throw Error("unsupported BPE pre-tokenizer '" + std::string(name) + "'");
    for (const std::string &regex : definition->regexes)
        m_impl->regexes.push_back(compile(regex));
    m_impl->ignoreMerges = definition->ignoreMerges;
}

PreTokenizer::~PreTokenizer() = default;
PreTokenizer::PreTokenizer(PreTokenizer &&) noexcept = default;
PreTokenizer &PreTokenizer::operator=(PreTokenizer &&) noexcept = default;

bool PreTokenizer::supports(std::string_view name)
{
    return findDefinition(name) != nullptr;
}

std::vector<std::string_view> PreTokenizer::supportedNames()
{
    std::vector<std::string_view> names;
    for (const Definition &definition : definitions())
        names.insert(names.end(), definition.names.begin(), definition.names.end());
    return names;
}

bool PreTokenizer::ignoresMerges() const
{
    return m_impl->ignoreMerges;
}

std::vector<std::string> PreTokenizer::split(std::string_view text) const
{
    const std::string clean = cleanUtf8(text);
    std::vector<Span> spans;
    if (!clean.empty())
        spans.push_back({0, clean.size()});
    // One ovector pair is enough: only the whole match is used.
    const std::unique_ptr<pcre2_match_data, MatchDataDeleter> matchData(pcre2_match_data_create(1, nullptr));
    for (const Code &regex : m_impl->regexes) {
        std::vector<Span> next;
        next.reserve(spans.size() * 2);
        for (const Span &span : spans)
            splitSpan(regex.get(), matchData.get(), clean, span, next);
        spans = std::move(next);
    }
    std::vector<std::string> pieces;
    pieces.reserve(spans.size());
    for (const Span &span : spans)
        pieces.emplace_back(clean, span.offset, span.length);
    return pieces;
}

} // namespace glassbox::tokenizer
