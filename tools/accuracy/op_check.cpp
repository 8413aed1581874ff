// Op-by-op check of Glassbox's CPU backend against a llama.cpp trace (llama_trace): every op of the
// llama graph is run by CpuBackend on llama.cpp's own inputs and its output compared with llama.cpp's.
// usage: op_check MODEL.gguf TRACE_DIR f32|f16 [PREFIX]   (PREFIX d1_ etc. for a traced single-token decode;
// then the K/V cache rows come from llama.cpp's cache views of that step)
#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/ModelConfig.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace glassbox;

namespace
{
struct Traced {
    std::string file;
    std::vector<long> ne;
};
std::string g_dir;
std::map<std::string, std::vector<Traced>> g_index; // name (with op) -> occurrences

void readIndex(const std::string &prefix)
{
    std::ifstream in(g_dir + "/index.txt");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string file, name, op, type;
        ls >> file;
        if (file.rfind(prefix, 0) != 0 || (prefix.empty() && file[0] == 'd'))
            continue;
        // name may contain spaces ("Kcur-0 (view)"): the op and type follow it, then 4 numbers.
        std::vector<std::string> words;
        std::string w;
        while (ls >> w)
            words.push_back(w);
        Traced t{file, {}};
        for (std::size_t i = words.size() - 4; i < words.size(); ++i)
            t.ne.push_back(std::stol(words[i]));
        op = words[words.size() - 6];
        name.clear();
        for (std::size_t i = 0; i + 6 < words.size(); ++i)
            name += (i ? " " : "") + words[i];
        g_index[name + "/" + op].push_back(t);
    }
}

std::vector<float> load(const std::string &key, int occurrence = 0)
{
    const auto it = g_index.find(key);
    if (it == g_index.end() || int(it->second.size()) <= occurrence) {
        std::fprintf(stderr, "missing %s\n", key.c_str());
        std::exit(1);
    }
    std::ifstream in(g_dir + "/" + it->second[occurrence].file, std::ios::binary);
    std::vector<float> v(std::accumulate(it->second[occurrence].ne.begin(), it->second[occurrence].ne.end(), 1L, std::multiplies<long>()));
    in.read(reinterpret_cast<char *>(v.data()), std::streamsize(v.size() * 4));
    return v;
}

void report(const char *what, const std::vector<float> &ours, const std::vector<float> &theirs)
{
    std::size_t differ = 0;
    double maxAbs = 0, maxRel = 0;
    for (std::size_t i = 0; i < ours.size(); ++i)
        if (ours[i] != theirs[i]) {
            ++differ;
            maxAbs = std::max(maxAbs, double(std::fabs(ours[i] - theirs[i])));
            maxRel = std::max(maxRel, double(std::fabs(ours[i] - theirs[i]) / std::max(1e-30f, std::fabs(theirs[i]))));
        }
    std::printf("  %-16s %6zu/%-6zu differ  max|d| %.3g  max rel %.3g\n", what, differ, ours.size(), maxAbs, maxRel);
}
} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: op_check MODEL.gguf TRACE_DIR f32|f16 [PREFIX]\n");
        return 2;
    }
    const gguf::GgufFile file(argv[1]);
    g_dir = argv[2];
    const bool f16 = std::string(argv[3]) == "f16";
    const std::string prefix = argc > 4 ? argv[4] : "";
    readIndex(prefix);
    const model::ModelConfig c = model::ModelConfig::fromGguf(file);
    compute::CpuBackend backend(1);
    auto weight = [&](const std::string &name) { return backend.weight(*file.findTensor(name)); };
    const std::size_t n = std::size_t(g_index.at("attn_norm-0/MUL")[0].ne[1]);
    // Which positions the rows are at: 0..n-1 for the prompt batch; for a decode step the position is
    // the number of tokens already in llama.cpp's cache (rows of the SET_ROWS views are the whole cache).
    std::vector<std::int32_t> positions(n);
    std::iota(positions.begin(), positions.end(), 0);
    std::size_t start = 0;
    if (!prefix.empty()) {
        start = std::size_t(std::stoi(prefix.substr(1))) - 1;
        // prompt length = rows of the first (prompt) pass
        std::size_t promptRows = 0;
        std::ifstream in(g_dir + "/index.txt");
        std::string f, name;
        long ne0, ne1;
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("0002_attn_norm-0.bin", 0) == 0) {
                std::istringstream ls(line);
                std::string a, b, op, ty;
                ls >> a >> b >> op >> ty >> ne0 >> ne1;
                promptRows = std::size_t(ne1);
            }
        start += promptRows;
        positions[0] = std::int32_t(start);
    }
    auto tensor = [&](const std::vector<float> &v, std::size_t cols) {
        auto t = backend.create(gguf::TensorType::F32, v.size() / cols, cols);
        backend.write(*t, 0, v.size() / cols, v.data());
        return t;
    };
    auto readBack = [&](const compute::Tensor &t) {
        std::vector<float> v(t.rows() * t.cols());
        backend.read(t, 0, t.rows(), v.data());
        return v;
    };
    auto matmulCheck = [&](const char *what, const std::string &w, const std::vector<float> &x, std::size_t inCols, const std::vector<float> &expect) {
        auto W = weight(w);
        auto X = tensor(x, inCols);
        auto out = backend.create(gguf::TensorType::F32, X->rows(), W->rows());
        backend.matmul(*W, *X, *out);
        report(what, readBack(*out), expect);
    };
    const std::size_t E = c.embedding, Q = c.queryWidth(), KV = c.kvWidth(), F = c.feedForward;
    std::vector<float> x = load("embd/GET_ROWS");
    for (std::size_t l = 0; l < c.layers; ++l) {
        const std::string L = std::to_string(l);
        std::printf("layer %zu\n", l);
        const std::vector<float> in = l == 0 ? x : load("l_out-" + std::to_string(l - 1) + "/ADD");
        {
            auto X = tensor(in, E);
            auto out = backend.create(gguf::TensorType::F32, n, E);
            backend.rmsNorm(*X, *weight("blk." + L + ".attn_norm.weight"), c.rmsEps, *out);
            report("attn_norm", readBack(*out), load("attn_norm-" + L + "/MUL"));
        }
        const std::vector<float> normed = load("attn_norm-" + L + "/MUL");
        matmulCheck("Qcur", "blk." + L + ".attn_q.weight", normed, E, load("Qcur-" + L + "/MUL_MAT"));
        matmulCheck("Kcur", "blk." + L + ".attn_k.weight", normed, E, load("Kcur-" + L + "/MUL_MAT"));
        matmulCheck("Vcur", "blk." + L + ".attn_v.weight", normed, E, load("Vcur-" + L + "/MUL_MAT"));
        {
            auto q = tensor(load("Qcur-" + L + "/MUL_MAT"), Q);
            backend.rope(*q, c.heads, positions, c.ropeFor(l));
            report("rope Q", readBack(*q), load("Qcur-" + L + "/ROPE"));
            auto k = tensor(load("Kcur-" + L + "/MUL_MAT"), KV);
            backend.rope(*k, c.kvHeads, positions, c.ropeFor(l));
            report("rope K", readBack(*k), load("Kcur-" + L + "/ROPE"));
        }
        {
            // The cache: llama.cpp's K rows (roped) and V rows of this pass, after the earlier ones.
            const std::size_t total = start + n;
            auto kc = backend.create(f16 ? gguf::TensorType::F16 : gguf::TensorType::F32, total, KV);
            auto vc = backend.create(f16 ? gguf::TensorType::F16 : gguf::TensorType::F32, total, KV);
            std::vector<float> kRows, vRows;
            if (prefix.empty()) {
                kRows = load("Kcur-" + L + "/ROPE");
                vRows = load("Vcur-" + L + "/MUL_MAT");
            } else {
                // K view permuted: ne = (headDim, nkv, kvHeads); V view permuted: (nkv, headDim, kvHeads)
                const auto &kt = g_index.at("cache_k_l" + L + " (view) (permuted)/PERMUTE")[0];
                const std::vector<float> kp = load("cache_k_l" + L + " (view) (permuted)/PERMUTE");
                const std::vector<float> vp = load("cache_v_l" + L + " (view) (permuted)/PERMUTE");
                const std::size_t hd = std::size_t(kt.ne[0]), nkv = std::size_t(kt.ne[1]), kh = std::size_t(kt.ne[2]);
                kRows.assign(total * KV, 0);
                vRows.assign(total * KV, 0);
                for (std::size_t t = 0; t < total; ++t)
                    for (std::size_t h = 0; h < kh; ++h)
                        for (std::size_t d = 0; d < hd; ++d) {
                            kRows[t * KV + h * hd + d] = kp[(h * nkv + t) * hd + d];
                            vRows[t * KV + h * hd + d] = vp[(h * hd + d) * nkv + t];
                        }
            }
            auto kf = tensor(kRows, KV);
            auto vf = tensor(vRows, KV);
            backend.copyRows(*kf, 0, *kc, 0, kf->rows());
            backend.copyRows(*vf, 0, *vc, 0, vf->rows());
            auto q = tensor(load("Qcur-" + L + "/ROPE"), Q);
            auto out = backend.create(gguf::TensorType::F32, n, Q);
            backend.attention(*q, *kc, *vc, c.heads, c.kvHeads, positions, c.attentionFor(l), *out, nullptr);
            report("attention", readBack(*out), load("kqv_out-" + L + "/CONT"));
        }
        matmulCheck("attn_out", "blk." + L + ".attn_output.weight", load("kqv_out-" + L + "/CONT"), Q, load("attn_out-" + L + "/MUL_MAT"));
        {
            auto X = tensor(load("ffn_inp-" + L + "/ADD"), E);
            auto out = backend.create(gguf::TensorType::F32, n, E);
            backend.rmsNorm(*X, *weight("blk." + L + ".ffn_norm.weight"), c.rmsEps, *out);
            report("ffn_norm", readBack(*out), load("ffn_norm-" + L + "/MUL"));
        }
        const std::vector<float> fn = load("ffn_norm-" + L + "/MUL");
        matmulCheck("ffn_gate", "blk." + L + ".ffn_gate.weight", fn, E, load("ffn_gate-" + L + "/MUL_MAT"));
        matmulCheck("ffn_up", "blk." + L + ".ffn_up.weight", fn, E, load("ffn_up-" + L + "/MUL_MAT"));
        {
            auto g = tensor(load("ffn_gate-" + L + "/MUL_MAT"), F);
            auto u = tensor(load("ffn_up-" + L + "/MUL_MAT"), F);
            backend.swiglu(*g, *u);
            report("swiglu", readBack(*g), load("ffn_swiglu-" + L + "/SWIGLU"));
        }
        matmulCheck("ffn_down", "blk." + L + ".ffn_down.weight", load("ffn_swiglu-" + L + "/SWIGLU"), F, load("ffn_out-" + L + "/MUL_MAT"));
    }
    std::printf("output\n");
    {
        auto X = tensor(load("l_out-" + std::to_string(c.layers - 1) + "/ADD"), E);
        auto out = backend.create(gguf::TensorType::F32, X->rows(), E);
        backend.rmsNorm(*X, *weight("output_norm.weight"), c.rmsEps, *out);
        // the last layer's l_out may keep only the rows that want logits; same here (all rows)
        report("output_norm", readBack(*out), load("result_norm/MUL"));
    }
    matmulCheck("output", file.findTensor("output.weight") ? "output.weight" : "token_embd.weight", load("result_norm/MUL"), E,
                load("result_output/MUL_MAT"));
    return 0;
}
