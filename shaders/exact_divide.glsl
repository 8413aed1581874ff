// a / b rounded correctly (to nearest) for positive finite a and b. GLSL only bounds division's error
// (2.5 ulp), and the CPU's activation scales are IEEE quotients: a scale one ulp off rounds some quants
// the other way. The candidate quotient and its two neighbours are compared by their exact residuals
// a - q * b (Dekker's product, which needs no fused multiply-add).

float exactResidual(float a, float b, float q)
{
    precise const float product = q * b;
    precise const float qSplit = 4097.0 * q;
    precise const float qHigh = qSplit - (qSplit - q);
    precise const float qLow = q - qHigh;
    precise const float bSplit = 4097.0 * b;
    precise const float bHigh = bSplit - (bSplit - b);
    precise const float bLow = b - bHigh;
    precise const float productError = ((qHigh * bHigh - product) + qHigh * bLow + qLow * bHigh) + qLow * bLow;
    precise const float residual = (a - product) - productError;
    return residual;
}

float exactDivide(float a, float b)
{
    precise const float q = a / b;
    // Zero, and quotients whose splitting would overflow or lose bits (never for activations).
    if (a == 0.0 || q > 1e30 || q < 1e-30)
        return q;
    float best = q;
    float bestResidual = abs(exactResidual(a, b, q));
    for (int step = -1; step <= 1; step += 2) {
        const float candidate = uintBitsToFloat(uint(int(floatBitsToUint(q)) + step));
        const float residual = abs(exactResidual(a, b, candidate));
        if (residual < bestResidual) {
            best = candidate;
            bestResidual = residual;
        }
    }
    return best;
}
