// The RMSNorm scale of a row, 1 / sqrt(mean(x^2) + eps), rounded as the CPU backend (CpuKernels.cpp,
// like ggml) rounds it: squares rounded to float and summed in double (here a float pair, which
// rounds to the same float except in ties too rare to matter), the mean rounded to float, the scale
// correctly rounded. Included after ggml_float.glsl. rmsScale has the whole workgroup compute it
// (each invocation strides over the row, which is in a buffer named x) and every invocation get it;
// rope.comp's HEAD_NORMS sums a head's squares in one invocation (addSquare) and takes scaleOf.

// sum + value², the square rounded to float.
vec2 addSquare(vec2 sum, float value)
{
    precise const float square = value * value;
    return wideAdd(sum, fence(square));
}

// The scale of a row of `columns` elements whose squares add up to `squares`.
float scaleOf(vec2 squares, uint columns, float eps)
{
    const float mean = wideQuotient(squares, float(columns));
    return wideQuotient(vec2(1.0, 0.0), sqrt(add(mean, eps)));
}

shared vec2 partialSums[gl_WorkGroupSize.x];

float rmsScale(uint base, uint columns, float eps)
{
    const uint lane = gl_LocalInvocationIndex;
    vec2 sum = vec2(0.0);
    for (uint i = lane; i < columns; i += gl_WorkGroupSize.x)
        sum = addSquare(sum, x[base + i]);
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
    return scaleOf(partialSums[0], columns, eps);
}

// x · scale · weight, rounded as the CPU backend rounds it.
float rmsNormalized(float x, float scale, float weight)
{
    precise const float scaled = x * scale;
    precise const float result = fence(scaled) * weight;
    return result;
}
