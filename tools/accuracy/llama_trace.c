/* Dumps every intermediate tensor of one llama.cpp forward pass (the prebuilt libllama of node-llama-cpp,
 * CPU backend picked by ggml for this machine, 1 thread, flash attention off, the whole prompt in one
 * batch, as shared/peer/reference.mjs runs it), via the scheduler's eval callback.
 * build: cc -O1 -I<llama.h/ggml.h dir> llama_trace.c -o llama_trace $LIBDIR/libllama.v0.5.0.so \
 *           $LIBDIR/libggml.v0.5.0.so $LIBDIR/libggml-base.so -Wl,-rpath,$LIBDIR
 * usage: llama_trace LIBDIR MODEL.gguf f32|f16 ID,ID,... OUTDIR [DECODE_ID ...]
 * OUTDIR/index.txt: one line per tensor: file name op ne0 ne1 ne2 ne3 (data as contiguous F32, ne0 fastest).
 * Each DECODE_ID is then decoded alone (files prefixed d1_, d2_, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "llama.h"
#include "ggml.h"
#include "ggml-backend.h"

static FILE *g_index;
static const char *g_dir;
static char g_prefix[16] = "";
static int g_seq;

static float get(const struct ggml_tensor *t, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
    const char *p = (const char *)t->data + i0 * t->nb[0] + i1 * t->nb[1] + i2 * t->nb[2] + i3 * t->nb[3];
    if (t->type == GGML_TYPE_F32) return *(const float *)p;
    if (t->type == GGML_TYPE_F16) return ggml_fp16_to_fp32(*(const ggml_fp16_t *)p);
    return 0.0f;
}

static bool cb(struct ggml_tensor *t, bool ask, void *ud) {
    (void)ud;
    if (ask) return true;
    if (t->type != GGML_TYPE_F32 && t->type != GGML_TYPE_F16) return true;
    char file[512];
    snprintf(file, sizeof file, "%s%04d_%s.bin", g_prefix, g_seq++, t->name);
    for (char *c = file; *c; ++c) if (*c == '/' || *c == ' ' || *c == '(' || *c == ')') *c = '_';
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", g_dir, file);
    FILE *f = fopen(path, "wb");
    for (int64_t i3 = 0; i3 < t->ne[3]; ++i3)
        for (int64_t i2 = 0; i2 < t->ne[2]; ++i2)
            for (int64_t i1 = 0; i1 < t->ne[1]; ++i1)
                for (int64_t i0 = 0; i0 < t->ne[0]; ++i0) {
                    float v = get(t, i0, i1, i2, i3);
                    fwrite(&v, 4, 1, f);
                }
    fclose(f);
    fprintf(g_index, "%s %s %s %s %lld %lld %lld %lld\n", file, t->name, ggml_op_desc(t), ggml_type_name(t->type),
            (long long)t->ne[0], (long long)t->ne[1], (long long)t->ne[2], (long long)t->ne[3]);
    return true;
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: %s LIBDIR MODEL f32|f16 IDS OUTDIR [DECODE_ID...]\n", argv[0]); return 2; }
    ggml_backend_load_all_from_path(argv[1]);
    llama_backend_init();
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    struct llama_model *model = llama_model_load_from_file(argv[2], mp);
    if (!model) return 1;
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 512; cp.n_batch = 512; cp.n_ubatch = 512; cp.n_seq_max = 1;
    cp.n_threads = 1; cp.n_threads_batch = 1;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.type_k = cp.type_v = strcmp(argv[3], "f16") ? GGML_TYPE_F32 : GGML_TYPE_F16;
    cp.cb_eval = cb; cp.cb_eval_user_data = NULL;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) return 1;
    g_dir = argv[5];
    char ip[1024]; snprintf(ip, sizeof ip, "%s/index.txt", g_dir);
    g_index = fopen(ip, "w");
    llama_token ids[512]; int n = 0;
    for (char *s = strtok(argv[4], ","); s; s = strtok(NULL, ",")) ids[n++] = atoi(s);
    struct llama_batch b = llama_batch_init(512, 0, 1);
    for (int i = 0; i < n; ++i) { b.token[i] = ids[i]; b.pos[i] = i; b.n_seq_id[i] = 1; b.seq_id[i][0] = 0; b.logits[i] = 1; }
    b.n_tokens = n;
    if (llama_decode(ctx, b)) { fprintf(stderr, "decode failed\n"); return 1; }
    for (int k = 6; k < argc; ++k) {
        snprintf(g_prefix, sizeof g_prefix, "d%d_", k - 5); g_seq = 0;
        b.token[0] = atoi(argv[k]); b.pos[0] = n++; b.n_seq_id[0] = 1; b.seq_id[0][0] = 0; b.logits[0] = 1; b.n_tokens = 1;
        if (llama_decode(ctx, b)) { fprintf(stderr, "decode failed\n"); return 1; }
    }
    fclose(g_index);
    llama_batch_free(b);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
