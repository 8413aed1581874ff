// Writes the golden files of tests/data/quant: llama.cpp's own (prebuilt libggml-base, dlopen()ed)
// dequantization of real tensor bytes and reference quantization of a fixed input, for every tensor
// type Glassbox supports. See README.md for how to build and run it.
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml.h"
#include "gguf.h"

// The layout every golden file has (little-endian); tests/quant/GoldenFile.h reads it.
struct golden_header {
    char magic[8]; // "GBQGOLD1"
    uint32_t type; // ggml type number
    uint32_t element_count;
    uint32_t byte_count; // quantized bytes that follow the header
    uint32_t float_count; // floats that follow the bytes (ggml's dequantization), 0 for quantization files
    char source[104]; // where the bytes came from, NUL-padded
};

// The fixed input of the quantization goldens. tests/quant/GoldenInput.h generates the same floats:
// only integer arithmetic and exact power-of-two scaling, so both languages get identical bits.
enum { kInputElements = 1280 };

static uint32_t lcg_state;
static int32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int32_t)(lcg_state >> 12);
}

static int32_t lcg_bell(void) // sum of three uniforms: a bell-shaped integer around 0, |x| < 2^22
{
    return lcg_next() + lcg_next() + lcg_next() - 3 * (1 << 19);
}

static void make_input(float *x)
{
    lcg_state = 20251130u;
    for (int i = 0; i < kInputElements; ++i) {
        const int block = i / 256, at = i % 256;
        const int32_t g = lcg_bell();
        float v;
        switch (block) {
        case 0: v = (float)g * 0x1p-20f; break;
        case 1: v = (float)(at % 37 == 0 ? g * 8 : g) * 0x1p-26f; break; // small values with outliers
        case 2: v = (float)(g + (1 << 22)) * 0x1p-18f; break; // all positive
        case 3: v = at < 128 ? 0.0f : at < 192 ? 0.5f : (float)(g < 0 ? g : -g) * 0x1p-20f; break; // zero, constant, non-positive
        default: v = 0.0f; break; // a whole zero super-block
        }
        x[i] = v;
    }
}

struct golden_case {
    enum ggml_type type;
    const char *name; // as Glassbox spells it (ggml's type_name is lower-case)
    const char *model; // file under shared/reference with tensors of this type
    const char *tensor;
};

static const struct golden_case kCases[] = {
    {GGML_TYPE_F32, "F32", "synthetic-F32.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_F16, "F16", "synthetic-F16.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_BF16, "BF16", "synthetic-BF16.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q8_0, "Q8_0", "synthetic-Q8_0.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q4_0, "Q4_0", "synthetic-Q4_0.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q4_1, "Q4_1", "synthetic-Q4_1.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q5_0, "Q5_0", "synthetic-Q5_0.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q5_1, "Q5_1", "synthetic-Q5_1.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q2_K, "Q2_K", "synthetic-Q2_K.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q3_K, "Q3_K", "synthetic-Q3_K_S.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q4_K, "Q4_K", "synthetic-Q4_K_M.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q5_K, "Q5_K", "synthetic-Q5_K_S.gguf", "blk.0.attn_q.weight"},
    {GGML_TYPE_Q6_K, "Q6_K", "synthetic-Q6_K.gguf", "blk.0.attn_q.weight"},
};

enum { kDequantElements = 1024 }; // four rows of 256: four K-quant super-blocks, 32 legacy blocks

static void *sym(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "missing symbol %s: %s\n", name, dlerror());
        exit(1);
    }
    return p;
}

static void write_golden(const char *path, enum ggml_type type, uint32_t elements, const char *source, const void *bytes,
                         uint32_t byte_count, const float *floats, uint32_t float_count)
{
    struct golden_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, "GBQGOLD1", 8);
    h.type = (uint32_t)type;
    h.element_count = elements;
    h.byte_count = byte_count;
    h.float_count = float_count;
    snprintf(h.source, sizeof h.source, "%s", source);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(&h, sizeof h, 1, f) != 1 || fwrite(bytes, 1, byte_count, f) != byte_count
        || fwrite(floats, sizeof(float), float_count, f) != float_count || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    printf("wrote %s (%s)\n", path, source);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: make_golden LIBDIR REFERENCE_DIR OUT_DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/libggml-base.so", argv[1]);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    const struct ggml_type_traits *(*get_traits)(enum ggml_type) = sym(lib, "ggml_get_type_traits");
    size_t (*quantize_chunk)(enum ggml_type, const float *, void *, int64_t, int64_t, int64_t, const float *) = sym(lib, "ggml_quantize_chunk");
    size_t (*row_size)(enum ggml_type, int64_t) = sym(lib, "ggml_row_size");
    struct gguf_context *(*init_from_file)(const char *, struct gguf_init_params) = sym(lib, "gguf_init_from_file");
    void (*gguf_free_fn)(struct gguf_context *) = sym(lib, "gguf_free");
    int64_t (*find_tensor)(const struct gguf_context *, const char *) = sym(lib, "gguf_find_tensor");
    size_t (*tensor_offset)(const struct gguf_context *, int64_t) = sym(lib, "gguf_get_tensor_offset");
    size_t (*data_offset)(const struct gguf_context *) = sym(lib, "gguf_get_data_offset");
    enum ggml_type (*tensor_type)(const struct gguf_context *, int64_t) = sym(lib, "gguf_get_tensor_type");

    float input[kInputElements];
    make_input(input);
    snprintf(path, sizeof path, "%s/input.golden", argv[3]);
    write_golden(path, GGML_TYPE_F32, kInputElements, "lcg seed 20251130 (make_input)", input, sizeof input, NULL, 0);

    for (size_t c = 0; c < sizeof kCases / sizeof kCases[0]; ++c) {
        const struct golden_case *gc = &kCases[c];
        const struct ggml_type_traits *traits = get_traits(gc->type);

        // (a) ggml's dequantization of the first rows of a real tensor
        snprintf(path, sizeof path, "%s/%s", argv[2], gc->model);
        struct gguf_init_params params = {true, NULL};
        struct gguf_context *ctx = init_from_file(path, params);
        const int64_t id = ctx ? find_tensor(ctx, gc->tensor) : -1;
        if (id < 0 || tensor_type(ctx, id) != gc->type) {
            fprintf(stderr, "%s: no tensor %s of type %s\n", path, gc->tensor, gc->name);
            return 1;
        }
        const size_t bytes = row_size(gc->type, kDequantElements);
        unsigned char *raw = malloc(bytes);
        float *out = malloc(kDequantElements * sizeof(float));
        FILE *f = fopen(path, "rb");
        if (!f || fseek(f, (long)(data_offset(ctx) + tensor_offset(ctx, id)), SEEK_SET) != 0 || fread(raw, 1, bytes, f) != bytes) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        fclose(f);
        gguf_free_fn(ctx);
        if (traits->to_float)
            traits->to_float(raw, out, kDequantElements);
        else // F32 has no conversion
            memcpy(out, raw, bytes);
        char source[256];
        snprintf(source, sizeof source, "%s:%s", gc->model, gc->tensor);
        snprintf(path, sizeof path, "%s/%s.dequant.golden", argv[3], gc->name);
        write_golden(path, gc->type, kDequantElements, source, raw, (uint32_t)bytes, out, kDequantElements);
        free(raw);
        free(out);

        // (b) ggml's reference quantization of the fixed input (no importance matrix = the _ref quantizers)
        const size_t qbytes = row_size(gc->type, kInputElements);
        unsigned char *q = malloc(qbytes);
        const size_t written = quantize_chunk(gc->type, input, q, 0, 1, kInputElements, NULL);
        if (written != qbytes) {
            fprintf(stderr, "%s: ggml_quantize_chunk wrote %zu bytes, expected %zu\n", gc->name, written, qbytes);
            return 1;
        }
        snprintf(path, sizeof path, "%s/%s.quant.golden", argv[3], gc->name);
        write_golden(path, gc->type, kInputElements, "ggml_quantize_chunk(input.golden)", q, (uint32_t)qbytes, NULL, 0);
        free(q);
    }
    return 0;
}
