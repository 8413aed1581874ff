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
