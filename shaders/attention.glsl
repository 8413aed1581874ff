// What the attention shaders share: which cache rows a query sees, how a dot product becomes a
// score, and how cache elements are read. The includer declares `keyQuads[]` (and, where it reads
// values, `valueQuads[]`) as uvec4 arrays, and the bool specialization constants HALF_KEYS and
// HALF_VALUES: an F16 cache packs two halves per word (element i is half i & 1 of word i >> 1),
// an F32 cache holds one float per word. The uvec4 declaration lets aligned rows be read a quad at a
// time; element access goes through the same arrays.

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

float keyElement(uint index)
{
    if (HALF_KEYS) {
        const uint word = index >> 1;
        return unpackHalf2x16(keyQuads[word >> 2][word & 3])[index & 1];
    }
    return uintBitsToFloat(keyQuads[index >> 2][index & 3]);
}

#ifdef ATTENTION_READS_VALUES
float valueElement(uint index)
{
    if (HALF_VALUES) {
        const uint word = index >> 1;
        return unpackHalf2x16(valueQuads[word >> 2][word & 3])[index & 1];
    }
    return uintBitsToFloat(valueQuads[index >> 2][index & 3]);
}
#endif
