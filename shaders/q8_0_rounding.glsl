// llama.cpp's AVX2 quantize_row_q8_0 / q8_1 for a block of 32 whose largest magnitude is amax:
// the multiplier 127 / amax, quants to the nearest even, the scale d = amax / 127 stored as a half.
// The CPU backend rounds its 8-bit activations and its Q8_0 KV cache this way
// (compute/cpu/ActivationQuant.cpp). The includer includes exact_divide.glsl.

float q8Scale(float amax)
{
    return exactDivide(amax, 127.0);
}

float q8Multiplier(float amax)
{
    return amax != 0.0 ? exactDivide(127.0, amax) : 0.0;
}

float q8Quant(float x, float multiplier)
{
    precise const float scaled = x * multiplier;
    return roundEven(scaled);
}

// Q8_0 blocks are 34 bytes, so a pair of them fills 17 whole words, which one invocation can write
// without sharing a word with another. Packs block `block` (0 or 1 of the pair) of the 32 values
// into the pair's words (zero at first); the includer also includes half.glsl.
const uint Q8_0_PAIR_WORDS = 17u;

void packQ8_0Block(const float values[32], uint block, inout uint words[Q8_0_PAIR_WORDS])
{
    float amax = 0.0;
    for (uint j = 0u; j < 32u; ++j)
        amax = max(amax, abs(values[j]));
    const float multiplier = q8Multiplier(amax);
    const uint first = 34u * block;
    words[first >> 2] |= floatToHalf(q8Scale(amax)) << (first & 3u) * 8u;
    for (uint j = 0u; j < 32u; ++j) {
        const uint byte = first + 2u + j;
        const uint q = uint(int(q8Quant(values[j], multiplier))) & 0xffu;
        words[byte >> 2] |= q << (byte & 3u) * 8u;
    }
}
