// IEEE binary16 <-> binary32 conversions with the same bits as quant::floatToHalf / halfToFloat
// (round to nearest even, subnormals kept). GLSL's packHalf2x16 leaves the rounding mode and the
// handling of subnormals to the driver, and a KV cache written here must hold what the CPU backend
// would have written.

uint floatToHalf(float value)
{
    const uint bits = floatBitsToUint(value);
    const uint sign = (bits >> 16) & 0x8000u;
    const uint magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) // NaN stays a (quiet) NaN
        return sign | 0x7e00u;
    if (magnitude >= 0x477ff000u) // rounds to 65520 or more: infinity
        return sign | 0x7c00u;
    if (magnitude < 0x38800000u) {
        // A subnormal half is a multiple of 2^-24: adding 0.5 puts that grid on float's last place,
        // so the float addition rounds to nearest even for us.
        const precise float shifted = uintBitsToFloat(magnitude) + 0.5;
        return sign | (floatBitsToUint(shifted) - 0x3f000000u);
    }
    // Drop 13 mantissa bits, rounding to nearest even; a carry into the exponent is right.
    const uint odd = (magnitude >> 13) & 1u;
    return sign | ((magnitude + 0xfffu + odd - 0x38000000u) >> 13);
}

float halfToFloat(uint bits)
{
    const uint sign = (bits & 0x8000u) << 16;
    const uint exponent = (bits >> 10) & 0x1fu;
    const uint mantissa = bits & 0x3ffu;
    if (exponent == 0x1fu) // infinity or NaN
        return uintBitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0u)
        return uintBitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    // Zero or subnormal: mantissa * 2^-24 is exact in float.
    return uintBitsToFloat(sign | floatBitsToUint(float(mantissa) * 5.9604644775390625e-8));
}

// Element `index` of an array of halves packed two per word, low half first.
float halfAt(uint word, uint index)
{
    return halfToFloat((word >> (16u * (index & 1u))) & 0xffffu);
}
