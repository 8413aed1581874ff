// silu(v) = v / (1 + exp(-v)) as ggml_vec_swiglu_f32 rounds it on the CPU backend: ggml's exp on
// whole registers of 8 columns, the C library's on the rest of a row (GLSL's exp here, which may
// differ in the last bit). `column` is v's column in rows of `rowLength`. Needs ggml_float.glsl.
float silu(float v, uint column, uint rowLength)
{
    const bool vectorized = column < rowLength - rowLength % 8u;
    const float e = vectorized ? ggmlExp(-v) : exp(-v);
    return wideQuotient(vec2(v, 0.0), add(1.0, e));
}
