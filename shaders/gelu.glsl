// GELU with the tanh approximation, as the CPU backend (and ggml) compute it: the input rounded to
// half looks up the table of every half's GELU that the host made (VulkanBackend::geluTable), and
// large |x| passes through. The includer binds the table as geluTable[] and includes half.glsl.
float gelu(float v)
{
    // One return only: glslc's optimizer (shaderc 2023.2) crashes on early returns in unrolled code.
    return v <= -10.0 ? 0.0 : v >= 10.0 ? v : geluTable[floatToHalf(v)];
}
