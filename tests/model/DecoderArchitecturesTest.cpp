#include "TinyGguf.h"
#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "session/Session.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>

using namespace glassbox;

namespace
{

constexpr std::size_t kEmbd = 32;
constexpr std::size_t kHeads = 4;
constexpr std::size_t kKvHeads = 2;
constexpr std::size_t kHeadDim = 8;
constexpr std::size_t kFf = 48;
constexpr std::size_t kVocab = 50;
constexpr double kEps = 1e-6;
constexpr std::size_t kWindow = 3;

using Vec = std::vector<double>;

// What the reference below does differently per architecture (written independently of
// model::ArchitectureTraits, from llama.cpp's graphs).
struct Spec {
    std::string arch;
    std::size_t layers = 2;
    bool neox = true, biases = false, fusedQkv = false, fusedGateUp = false, headNorms = false, postNorms = false, gelu = false;
    double embScale = 1.0, attnCap = 0.0, finalCap = 0.0;
    std::size_t slidingPattern = 0; // layer i slides when i % pattern < pattern - 1
    double localBase = 0.0;
};

// A tiny model with random F32 weights, written to GGUF, and a plain double-precision forward pass.
class TinyDecoder
{
public:
    TinyDecoder(const Spec &spec, const std::string &path)
        : m_spec(spec)
    {
        test::TinyGguf g(spec.arch);
        g.count("embedding_length", kEmbd);
        g.count("block_count", spec.layers);
        g.count("attention.head_count", kHeads);
        g.count("attention.head_count_kv", kKvHeads);
        g.count("attention.key_length", kHeadDim);
        g.count("feed_forward_length", kFf);
        g.count("context_length", 64);
        g.real("attention.layer_norm_rms_epsilon", kEps);
        g.real("rope.freq_base", 1000.0);
        if (spec.slidingPattern)
            g.count("attention.sliding_window", kWindow);
        auto add = [&](const std::string &name, std::size_t cols, std::size_t rows, float center = 0.0f, float spread = 0.3f) {
            m_t[name] = g.tensor(name, cols, rows, center, spread);
        };
        const std::size_t qw = kHeads * kHeadDim, kw = kKvHeads * kHeadDim;
        add("token_embd.weight", kEmbd, kVocab);
        add("output_norm.weight", kEmbd, 1, 1.0f, 0.2f);
        for (std::size_t l = 0; l < spec.layers; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            add(p + "attn_norm.weight", kEmbd, 1, 1.0f, 0.2f);
            if (spec.fusedQkv) {
                add(p + "attn_qkv.weight", kEmbd, qw + 2 * kw);
            } else {
                add(p + "attn_q.weight", kEmbd, qw);
                add(p + "attn_k.weight", kEmbd, kw);
                add(p + "attn_v.weight", kEmbd, kw);
            }
            if (spec.biases) {
                add(p + "attn_q.bias", qw, 1);
                add(p + "attn_k.bias", kw, 1);
                add(p + "attn_v.bias", kw, 1);
            }
            if (spec.headNorms) {
                add(p + "attn_q_norm.weight", kHeadDim, 1, 1.0f, 0.2f);
                add(p + "attn_k_norm.weight", kHeadDim, 1, 1.0f, 0.2f);
            }
            add(p + "attn_output.weight", qw, kEmbd);
            add(p + "ffn_norm.weight", kEmbd, 1, 1.0f, 0.2f);
            if (spec.fusedGateUp) {
                add(p + "ffn_up.weight", kEmbd, 2 * kFf);
            } else {
                add(p + "ffn_gate.weight", kEmbd, kFf);
                add(p + "ffn_up.weight", kEmbd, kFf);
            }
            add(p + "ffn_down.weight", kFf, kEmbd);
            if (spec.postNorms) {
                add(p + "post_attention_norm.weight", kEmbd, 1, 1.0f, 0.2f);
                add(p + "post_ffw_norm.weight", kEmbd, 1, 1.0f, 0.2f);
            }
        }
        g.write(path);
    }

    // Logits (vocab per row) after each of `tokens`, at positions 0, 1, ...
    std::vector<Vec> logits(const std::vector<std::int32_t> &tokens) const
    {
        const std::size_t n = tokens.size(), qw = kHeads * kHeadDim, kw = kKvHeads * kHeadDim;
        std::vector<Vec> x(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i].assign(kEmbd, 0.0);
            for (std::size_t c = 0; c < kEmbd; ++c)
                x[i][c] = m_t.at("token_embd.weight")[std::size_t(tokens[i]) * kEmbd + c] * m_spec.embScale;
        }
        for (std::size_t l = 0; l < m_spec.layers; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            const bool sliding = m_spec.slidingPattern && l % m_spec.slidingPattern < m_spec.slidingPattern - 1;
            const double base = sliding && m_spec.localBase > 0 ? m_spec.localBase : 1000.0;
            std::vector<Vec> q(n), k(n), v(n);
            for (std::size_t i = 0; i < n; ++i) {
                const Vec h = rms(x[i], p + "attn_norm.weight");
                if (m_spec.fusedQkv) {
                    const Vec all = mul(p + "attn_qkv.weight", h);
                    q[i] = Vec(all.begin(), all.begin() + qw);
                    k[i] = Vec(all.begin() + qw, all.begin() + qw + kw);
                    v[i] = Vec(all.begin() + qw + kw, all.end());
                } else {
                    q[i] = mul(p + "attn_q.weight", h);
                    k[i] = mul(p + "attn_k.weight", h);
                    v[i] = mul(p + "attn_v.weight", h);
                }
                if (m_spec.biases) {
                    addTo(q[i], m_t.at(p + "attn_q.bias"));
                    addTo(k[i], m_t.at(p + "attn_k.bias"));
                    addTo(v[i], m_t.at(p + "attn_v.bias"));
                }
                for (std::size_t hd = 0; hd < kHeads; ++hd)
                    headOps(q[i], hd, p + "attn_q_norm.weight", i, base);
                for (std::size_t hd = 0; hd < kKvHeads; ++hd)
                    headOps(k[i], hd, p + "attn_k_norm.weight", i, base);
            }
            for (std::size_t i = 0; i < n; ++i) {
                Vec att(qw, 0.0);
                const std::size_t first = sliding && i + 1 > kWindow ? i + 1 - kWindow : 0;
                for (std::size_t hd = 0; hd < kHeads; ++hd) {
                    const std::size_t kvh = hd / (kHeads / kKvHeads);
                    Vec s;
                    for (std::size_t j = first; j <= i; ++j) {
                        double dot = 0;
                        for (std::size_t d = 0; d < kHeadDim; ++d)
                            dot += q[i][hd * kHeadDim + d] * k[j][kvh * kHeadDim + d];
                        dot /= std::sqrt(double(kHeadDim));
                        s.push_back(m_spec.attnCap > 0 ? m_spec.attnCap * std::tanh(dot / m_spec.attnCap) : dot);
                    }
                    const double max = *std::max_element(s.begin(), s.end());
                    double sum = 0;
                    for (double &e : s)
                        sum += (e = std::exp(e - max));
                    for (std::size_t j = first; j <= i; ++j)
                        for (std::size_t d = 0; d < kHeadDim; ++d)
                            att[hd * kHeadDim + d] += s[j - first] / sum * v[j][kvh * kHeadDim + d];
                }
                Vec o = mul(p + "attn_output.weight", att);
                if (m_spec.postNorms)
                    o = rms(o, p + "post_attention_norm.weight");
                addTo(x[i], o);
                const Vec h = rms(x[i], p + "ffn_norm.weight");
                Vec gate, up;
                if (m_spec.fusedGateUp) {
                    const Vec both = mul(p + "ffn_up.weight", h);
                    gate = Vec(both.begin(), both.begin() + kFf);
                    up = Vec(both.begin() + kFf, both.end());
                } else {
                    gate = mul(p + "ffn_gate.weight", h);
                    up = mul(p + "ffn_up.weight", h);
                }
                for (std::size_t f = 0; f < kFf; ++f) {
                    const double g = gate[f];
                    const double act = m_spec.gelu ? 0.5 * g * (1 + std::tanh(std::sqrt(2 / M_PI) * (g + 0.044715 * g * g * g))) : g / (1 + std::exp(-g));
                    gate[f] = act * up[f];
                }
                Vec down = mul(p + "ffn_down.weight", gate);
                if (m_spec.postNorms)
                    down = rms(down, p + "post_ffw_norm.weight");
                addTo(x[i], down);
            }
        }
        std::vector<Vec> result;
        for (const Vec &row : x) {
            Vec out = mul("token_embd.weight", rms(row, "output_norm.weight"));
            for (double &value : out)
                value = m_spec.finalCap > 0 ? m_spec.finalCap * std::tanh(value / m_spec.finalCap) : value;
            result.push_back(out);
        }
        return result;
    }

private:
    Vec mul(const std::string &name, const Vec &x) const
    {
        const std::vector<float> &w = m_t.at(name);
        Vec y(w.size() / x.size(), 0.0);
        for (std::size_t r = 0; r < y.size(); ++r)
            for (std::size_t c = 0; c < x.size(); ++c)
                y[r] += double(w[r * x.size() + c]) * x[c];
        return y;
    }
    Vec rms(const Vec &x, const std::string &gain) const
    {
        double ss = 0;
        for (double value : x)
            ss += value * value;
        const double scale = 1.0 / std::sqrt(ss / double(x.size()) + kEps);
        Vec y(x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            y[i] = x[i] * scale * m_t.at(gain)[i];
        return y;
    }
    static void addTo(Vec &x, const std::vector<float> &y)
    {
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] += y[i];
    }
    static void addTo(Vec &x, const Vec &y)
    {
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] += y[i];
    }
    // The per-head norm (when the spec has one), then the rotation of head `h` to `pos`.
    void headOps(Vec &x, std::size_t h, const std::string &norm, std::size_t pos, double base) const
    {
        Vec head(x.begin() + long(h * kHeadDim), x.begin() + long((h + 1) * kHeadDim));
        if (m_spec.headNorms)
            head = rms(head, norm);
        for (std::size_t i = 0; i < kHeadDim / 2; ++i) {
            const double angle = double(pos) * std::pow(base, -2.0 * double(i) / kHeadDim);
            const std::size_t a = m_spec.neox ? i : 2 * i, b = m_spec.neox ? i + kHeadDim / 2 : 2 * i + 1;
            const double x0 = head[a], x1 = head[b];
            head[a] = x0 * std::cos(angle) - x1 * std::sin(angle);
            head[b] = x0 * std::sin(angle) + x1 * std::cos(angle);
        }
        std::copy(head.begin(), head.end(), x.begin() + long(h * kHeadDim));
    }

    Spec m_spec;
    std::map<std::string, std::vector<float>> m_t;
};

} // namespace

Q_DECLARE_METATYPE(Spec)

// Each decoder architecture's forward pass against a plain implementation of the same model, on
// tiny models with random weights (llama.cpp itself is checked in ReferenceLogitsTest).
class DecoderArchitecturesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesStraightforwardDecoder_data()
    {
        QTest::addColumn<Spec>("spec");
        QTest::newRow("llama") << Spec{.arch = "llama", .neox = false};
        QTest::newRow("qwen2") << Spec{.arch = "qwen2", .biases = true};
        QTest::newRow("phi3") << Spec{.arch = "phi3", .fusedQkv = true, .fusedGateUp = true};
        QTest::newRow("gemma") << Spec{.arch = "gemma", .gelu = true, .embScale = std::sqrt(double(kEmbd))};
        QTest::newRow("gemma2") << Spec{.arch = "gemma2",
                                        .layers = 3,
                                        .postNorms = true,
                                        .gelu = true,
                                        .embScale = std::sqrt(double(kEmbd)),
                                        .attnCap = 50.0,
                                        .finalCap = 30.0,
                                        .slidingPattern = 2};
        QTest::newRow("gemma3") << Spec{.arch = "gemma3",
                                        .layers = 7,
                                        .headNorms = true,
                                        .postNorms = true,
                                        .gelu = true,
                                        .embScale = std::sqrt(double(kEmbd)),
                                        .slidingPattern = 6,
                                        .localBase = 10000.0};
    }

    void matchesStraightforwardDecoder()
    {
        QFETCH(Spec, spec);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.gguf")).toStdString();
        const TinyDecoder reference(spec, path);
        const gguf::GgufFile file(path);
        compute::CpuBackend backend(2);
        model::Transformer transformer(file, backend);
        const std::vector<std::int32_t> tokens = {1, 7, 3, 42, 9, 9, 15, 0};
        const std::vector<Vec> expected = reference.logits(tokens);

        // Prompt in two batches, so the second one reads the first one's keys from the cache.
        session::Session session(transformer, {.contextLength = 16, .kvType = gguf::TensorType::F32, .batchSize = 5});
        const std::vector<float> logits = session.prefill(tokens, session::Session::Logits::All);
        QCOMPARE(logits.size(), tokens.size() * kVocab);
        double maxDiff = 0.0;
        for (std::size_t i = 0; i < tokens.size(); ++i)
            for (std::size_t v = 0; v < kVocab; ++v)
                maxDiff = std::max(maxDiff, std::abs(double(logits[i * kVocab + v]) - expected[i][v]));
        // The engine takes GELU from a table of halves, as llama.cpp does: about 3 decimal digits.
        const double tolerance = spec.gelu ? 3e-3 : 1e-3;
        QVERIFY2(maxDiff < tolerance, qPrintable(QStringLiteral("max logit difference %1").arg(maxDiff)));
    }
};

QTEST_GUILESS_MAIN(DecoderArchitecturesTest)
#include "DecoderArchitecturesTest.moc"
