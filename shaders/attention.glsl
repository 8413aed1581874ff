// What the attention shaders share: which cache rows a query sees, how a dot product becomes a
// score, and how cache elements are read. The includer declares `keyQuads[]` (and, where it reads
// values, `valueQuads[]`) as uvec4 arrays, or with ATTENTION_TEXELS texel buffers, and the
// specialization constants KEY_FORMAT and VALUE_FORMAT: an F32 cache holds one float per word, an
// F16 cache packs two halves per word (element i is half i & 1 of word i >> 1), a Q8_0 cache holds
// blocks of 34 bytes (a half scale d, then 32 signed quants q: element d * q, as the CPU expands
// it). Aligned rows are read a quad at a time; element access goes through the same quads.

const uint F32_CACHE = 0u;
const uint F16_CACHE = 1u;
const uint Q8_0_CACHE = 2u;
const bool HALF_KEYS = KEY_FORMAT == F16_CACHE;
const bool HALF_VALUES = VALUE_FORMAT == F16_CACHE;

// Masked scores; GLSL has no infinity literal.
#define NEGATIVE_INFINITY uintBitsToFloat(0xff800000u)

// The cache rows [x, y) that a query at `position` sees: up to itself when causal (the last
// `window` of those when window > 0), all of them when not.
uvec2 visibleRows(uint position, bool causal, uint window, uint cacheRows)
{
    if (!causal)
        return uvec2(0, cacheRows);
    const uint end = position + 1;
    return uvec2(window > 0 && end > window ? end - window : 0, end);
}

// A query element as the products see it: times queryScale (the attention scale where it scales the
// query, as llama.cpp's Gemma graphs do, else 1), then rounded to F16 for F16 keys, as the CPU
// reference (like ggml) rounds it.
float queryElement(float x, float queryScale)
{
    precise const float scaled = x * queryScale;
    return HALF_KEYS ? unpackHalf2x16(packHalf2x16(vec2(scaled, 0.0))).x : scaled;
}

// dot · scale, then cap · tanh(score / cap) when a soft cap is set (Gemma 2).
float attentionScore(float dot, float scale, float softcap)
{
    const float score = dot * scale;
    return softcap > 0.0 ? softcap * tanh(score / softcap) : score;
}

#ifdef ATTENTION_TEXELS
// CPU drivers load a storage buffer one scalar per lane, a texel (16 bytes) at once: the includer
// declares keyTexels (and valueTexels) as rgba32ui texel buffers instead.
uvec4 keyQuad(uint quad)
{
    return imageLoad(keyTexels, int(quad));
}
#ifdef ATTENTION_READS_VALUES
uvec4 valueQuad(uint quad)
{
    return imageLoad(valueTexels, int(quad));
}
#endif
#else
uvec4 keyQuad(uint quad)
{
    return keyQuads[quad];
}
#ifdef ATTENTION_READS_VALUES
uvec4 valueQuad(uint quad)
{
    return valueQuads[quad];
}
#endif
#endif

// Word `word` of a cache whose 16-byte quads are `quad(i)`.
#define CACHE_WORD(quad, word) quad((word) >> 2)[(word) & 3u]

// Where a Q8_0 element's quant is, in bytes, and its block's scale from the word holding it
// (blocks are 34 bytes: the scale is the low half of its word for even blocks, the high for odd).
uint q8Byte(uint index)
{
    return (index >> 5) * 34u + 2u + (index & 31u);
}

uint q8ScaleWord(uint index)
{
    return (index >> 5) * 34u >> 2;
}

float q8BlockScale(uint scaleWord, uint index)
{
    return unpackHalf2x16(scaleWord >> ((index >> 5) & 1u) * 16u).x;
}

// d * q for the quant at byte `byte` of its word; rounded once, as the CPU's float product.
float q8Element(float d, uint word, uint byte)
{
    const float q = float(bitfieldExtract(int(word), int(byte & 3u) * 8, 8));
    precise const float value = q * d;
    return value;
}

// Elements index .. index + 7 of a Q8_0 cache (index a multiple of 8: within one block), from the
// words holding their 8 quants (two, or three where they start at a word's upper half).
void q8Octet(uint index, float d, uvec3 words, out float elements[8])
{
    const uint first = q8Byte(index) & 3u;
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        elements[i] = q8Element(d, words[(first + i) >> 2], first + i);
}

// Element `index` of a cache of `format` whose quads are `quad(i)`.
#define CACHE_ELEMENT(quad, format, index) \
    ((format) == F16_CACHE ? unpackHalf2x16(CACHE_WORD(quad, (index) >> 1))[(index) & 1u] \
     : (format) == Q8_0_CACHE ? q8Element(q8BlockScale(CACHE_WORD(quad, q8ScaleWord(index)), index), CACHE_WORD(quad, q8Byte(index) >> 2), q8Byte(index)) \
                              : uintBitsToFloat(CACHE_WORD(quad, index)))

// Elements index .. index + 7 (index a multiple of 8): one quad of halves, two of floats, or the
// words of eight quants.
#define CACHE_OCTET(quad, format, index, out8) \
    { \
        if ((format) == F16_CACHE) { \
            const uvec4 words = quad((index) >> 3); \
            for (uint i_ = 0u; i_ < 4u; ++i_) { \
                const vec2 pair = unpackHalf2x16(words[i_]); \
                out8[2u * i_] = pair.x; \
                out8[2u * i_ + 1u] = pair.y; \
            } \
        } else if ((format) == Q8_0_CACHE) { \
            const uint word_ = q8Byte(index) >> 2; \
            const uvec3 words_ = uvec3(CACHE_WORD(quad, word_), CACHE_WORD(quad, word_ + 1u), (q8Byte(index) & 3u) != 0u ? CACHE_WORD(quad, word_ + 2u) : 0u); \
            q8Octet(index, q8BlockScale(CACHE_WORD(quad, q8ScaleWord(index)), index), words_, out8); \
        } else { \
            const uvec4 low = quad((index) >> 2); \
            const uvec4 high = quad(((index) >> 2) + 1u); \
            for (uint i_ = 0u; i_ < 4u; ++i_) { \
                out8[i_] = uintBitsToFloat(low[i_]); \
                out8[4u + i_] = uintBitsToFloat(high[i_]); \
            } \
        } \
    }

float keyElement(uint index)
{
    return CACHE_ELEMENT(keyQuad, KEY_FORMAT, index);
}

void keyOctet(uint index, out float elements[8])
{
    CACHE_OCTET(keyQuad, KEY_FORMAT, index, elements)
}

#ifdef ATTENTION_READS_VALUES
float valueElement(uint index)
{
    return CACHE_ELEMENT(valueQuad, VALUE_FORMAT, index);
}

void valueOctet(uint index, out float elements[8])
{
    CACHE_OCTET(valueQuad, VALUE_FORMAT, index, elements)
}
#endif
