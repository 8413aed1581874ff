// The RMSNorm scale of a row, 1 / sqrt(mean(x^2) + eps), rounded as the CPU backend (CpuKernels.cpp,
// like ggml) rounds it: squares rounded to float and summed in double (here a float pair, which
// rounds to the same float except in ties too rare to matter), the mean rounded to float, the scale
// correctly rounded. The whole workgroup computes it (each invocation strides over the row) and
// every invocation gets it. Included after ggml_float.glsl, with the row in a buffer named x.

shared vec2 partialSums[gl_WorkGroupSize.x];

float rmsScale(uint base, uint columns, float eps)
{
    const uint lane = gl_LocalInvocationIndex;
    vec2 sum = vec2(0.0);
    for (uint i = lane; i < columns; i += gl_WorkGroupSize.x) {
        precise const float square = x[base + i] * x[base + i];
        sum = wideAdd(sum, fence(square));
    }
    partialSums[lane] = sum;
    barrier();
    for (uint remaining = gl_WorkGroupSize.x; remaining > 1;) {
        const uint upper = (remaining + 1) / 2;
        if (lane < remaining - upper) {
            const vec2 other = partialSums[lane + upper];
            partialSums[lane] = wideAdd(wideAdd(partialSums[lane], other.x), other.y);
        }
        remaining = upper;
        barrier();
    }
    const float mean = wideQuotient(partialSums[0], float(columns));
    return wideQuotient(vec2(1.0, 0.0), sqrt(add(mean, eps)));
}

// x · scale · weight, rounded as the CPU backend rounds it.
float rmsNormalized(float x, float scale, float weight)
{
    precise const float scaled = x * scale;
    precise const float result = fence(scaled) * weight;
    return result;
}
