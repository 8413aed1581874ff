// What the attention shaders share: which cache rows a query sees, how a dot product becomes a
// score, and how cache elements are read. The includer declares `keyQuads[]` (and, where it reads
// values, `valueQuads[]`) as uvec4 arrays, or with ATTENTION_TEXELS texel buffers, and the bool
// specialization constants HALF_KEYS and HALF_VALUES: an F16 cache packs two halves per word
// (element i is half i & 1 of word i >> 1), an F32 cache holds one float per word. Aligned rows are
// read a quad at a time; element access goes through the same quads.

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

// Element `index` of a cache whose words are `quad(index's quad)`, F16 (two per word) or F32.
#define CACHE_ELEMENT(quad, halves, index) \
    ((halves) ? unpackHalf2x16(quad((index) >> 3)[((index) >> 1) & 3u])[(index) & 1u] : uintBitsToFloat(quad((index) >> 2)[(index) & 3u]))

// Elements index .. index + 7 (index a multiple of 8): one quad of halves, or two of floats.
#define CACHE_OCTET(quad, halves, index, out8) \
    { \
        if (halves) { \
            const uvec4 words = quad((index) >> 3); \
            for (uint i_ = 0u; i_ < 4u; ++i_) { \
                const vec2 pair = unpackHalf2x16(words[i_]); \
                out8[2u * i_] = pair.x; \
                out8[2u * i_ + 1u] = pair.y; \
            } \
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
    return CACHE_ELEMENT(keyQuad, HALF_KEYS, index);
}

void keyOctet(uint index, out float elements[8])
{
    CACHE_OCTET(keyQuad, HALF_KEYS, index, elements)
}

#ifdef ATTENTION_READS_VALUES
float valueElement(uint index)
{
    return CACHE_ELEMENT(valueQuad, HALF_VALUES, index);
}

void valueOctet(uint index, out float elements[8])
{
    CACHE_OCTET(valueQuad, HALF_VALUES, index, elements)
}
#endif
