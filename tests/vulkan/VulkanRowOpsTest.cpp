#include "BackendPair.h"

#include "compute/cpu/ActivationQuant.h"
#include "compute/vulkan/Transfer.h"

#include <QTest>

#include <bit>
#include <cstring>
#include <limits>
#include <numeric>

using namespace glassbox;
using namespace glassbox::test;
using gguf::TensorType;

// The per-row and element-wise ops of the Vulkan backend against the CPU backend, on sizes that are
// not multiples of any workgroup, single rows, and more rows than one dispatch axis allows.
class VulkanRowOpsTest : public QObject
{
    Q_OBJECT

private:
    // Both results of pair, compared; floor as in maxRelativeError.
    double error(const TensorPair &pair, double floor = 1e-3)
    {
        const auto [actual, expected] = m_backends->results(pair);
        return maxRelativeError(actual, expected, floor);
    }
    // Whether both backends hold bit-identical floats.
    bool identical(const TensorPair &pair)
    {
        const auto [actual, expected] = m_backends->results(pair);
        return std::memcmp(actual.data(), expected.data(), actual.size() * sizeof(float)) == 0;
    }
    // The first `size` bytes of a GPU tensor (a Q8_0 cache, which read() does not convert).
    std::vector<std::uint8_t> gpuBytes(const compute::Tensor &tensor, std::size_t size)
    {
        m_backends->gpu.flush();
        std::vector<std::uint8_t> bytes(size);
        vulkan::download(m_backends->gpu.context(), vulkan::vulkanTensor(tensor).buffer(), std::as_writable_bytes(std::span(bytes)));
        return bytes;
    }
    // An F32 tensor of rows × cols random values in [low, high].
    TensorPair random(std::size_t rows, std::size_t cols, std::uint32_t seed, float low = -1.0f, float high = 1.0f)
    {
        return m_backends->input(randomFloats(rows * cols, seed, low, high), rows, cols);
    }

    std::unique_ptr<BackendPair> m_backends;

private Q_SLOTS:
    void initTestCase()
    {
        GLASSBOX_REQUIRE_VULKAN();
        m_backends = std::make_unique<BackendPair>();
    }

    void norms_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<float>("offset"); // added to every input: layerNorm must not cancel
        QTest::newRow("1x1") << 1 << 1 << 0.0f;
        QTest::newRow("1x4097") << 1 << 4097 << 0.0f;
        QTest::newRow("7x300") << 7 << 300 << 0.0f;
        QTest::newRow("64x64 offset") << 64 << 64 << 100.0f;
        QTest::newRow("more rows than workgroups") << 66000 << 5 << 0.0f;
    }

    void norms()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(float, offset);
        std::vector<float> values = randomFloats(std::size_t(rows) * cols, 1, -3.0f, 3.0f);
        for (float &value : values)
            value += offset;
        const TensorPair x = m_backends->input(values, rows, cols);
        const TensorPair gain = random(1, cols, 2, -2.0f, 2.0f);
        const TensorPair bias = random(1, cols, 3);
        TensorPair out = m_backends->create(TensorType::F32, rows, cols);

        m_backends->cpu.rmsNorm(*x.cpu, *gain.cpu, 1e-5f, *out.cpu);
        m_backends->gpu.rmsNorm(*x.gpu, *gain.gpu, 1e-5f, *out.gpu);
        const double rms = error(out);
        QVERIFY2(rms < 1e-5, qPrintable(QStringLiteral("rmsNorm: max relative error %1").arg(rms)));

        // The same norm added into a residual stream by one dispatch, which must add what rmsNorm
        // and add give.
        const TensorPair residual = random(rows, cols, 4, -10.0f, 10.0f);
        m_backends->cpu.addNormalized({x.cpu.get(), gain.cpu.get(), 1e-5f, out.cpu.get()}, *residual.cpu);
        m_backends->gpu.addNormalized({x.gpu.get(), gain.gpu.get(), 1e-5f, out.gpu.get()}, *residual.gpu);
        const double normedError = error(out), sumError = error(residual);
        QVERIFY2(normedError < 1e-5 && sumError < 1e-5, qPrintable(QStringLiteral("addNormalized: max relative errors %1, %2").arg(normedError).arg(sumError)));

        m_backends->cpu.layerNorm(*x.cpu, *gain.cpu, *bias.cpu, 1e-5f, *out.cpu);
        m_backends->gpu.layerNorm(*x.gpu, *gain.gpu, *bias.gpu, 1e-5f, *out.gpu);
        // x - mean cancels: an output near zero keeps only the absolute precision of x, so the
        // outputs (of order 1) are compared absolutely.
        const double layer = error(out, 1.0);
        QVERIFY2(layer < 1e-5, qPrintable(QStringLiteral("layerNorm: max absolute error %1").arg(layer)));
    }

    void headRmsNorm_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("headDim");
        QTest::newRow("1 row, 1 head") << 1 << 1 << 64;
        QTest::newRow("5x32x128") << 5 << 32 << 128;
        QTest::newRow("odd head size") << 3 << 3 << 7;
        QTest::newRow("more heads than workgroups") << 2200 << 32 << 4;
    }

    void headRmsNorm()
    {
        QFETCH(int, rows);
        QFETCH(int, heads);
        QFETCH(int, headDim);
        TensorPair x = random(rows, std::size_t(heads) * headDim, 4, -5.0f, 5.0f);
        const TensorPair gain = random(1, headDim, 5, 0.5f, 1.5f);
        m_backends->cpu.headRmsNorm(*x.cpu, heads, *gain.cpu, 1e-6f);
        m_backends->gpu.headRmsNorm(*x.gpu, heads, *gain.gpu, 1e-6f);
        const double e = error(x);
        QVERIFY2(e < 1e-5, qPrintable(QStringLiteral("max relative error %1").arg(e)));
    }

    void rope_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("dims");
        QTest::addColumn<bool>("neox");
        QTest::addColumn<int>("firstPosition");
        QTest::addColumn<float>("freqBase");
        QTest::addColumn<float>("freqScale");
        for (const bool neox : {false, true}) {
            const char *mode = neox ? "neox " : "normal ";
            QTest::addRow("%s1 row at 0", mode) << 1 << 1 << 64 << 64 << neox << 0 << 10000.0f << 1.0f;
            QTest::addRow("%s3 rows at 4000", mode) << 3 << 4 << 64 << 64 << neox << 4000 << 10000.0f << 1.0f;
            QTest::addRow("%spartial rotary", mode) << 5 << 3 << 128 << 32 << neox << 4000 << 10000.0f << 1.0f;
            QTest::addRow("%sodd dims", mode) << 2 << 2 << 10 << 7 << neox << 17 << 10000.0f << 1.0f;
            QTest::addRow("%sbase 1e6, scale 1/4", mode) << 9 << 8 << 128 << 128 << neox << 30000 << 1e6f << 0.25f;
            QTest::addRow("%smany rows", mode) << 700 << 2 << 96 << 96 << neox << 1 << 10000.0f << 1.0f;
        }
    }

    void rope()
    {
        QFETCH(int, rows);
        QFETCH(int, heads);
        QFETCH(int, headDim);
        QFETCH(int, dims);
        QFETCH(bool, neox);
        QFETCH(int, firstPosition);
        QFETCH(float, freqBase);
        QFETCH(float, freqScale);
        TensorPair x = random(rows, std::size_t(heads) * headDim, 6);
        std::vector<std::int32_t> positions(rows);
        std::iota(positions.begin(), positions.end(), firstPosition);
        const compute::RopeParams params{.dims = std::size_t(dims), .freqBase = freqBase, .freqScale = freqScale, .neox = neox};
        m_backends->cpu.rope(*x.cpu, heads, positions, params);
        m_backends->gpu.rope(*x.gpu, heads, positions, params);
        // Inputs lie in [-1, 1], so a floor of 1 compares absolute errors.
        const double e = error(x, 1.0);
        QVERIFY2(e < 1e-6, qPrintable(QStringLiteral("max absolute error %1").arg(e)));
    }

    // Several ropes in one recording, with positions that change and come back: the position buffer
    // of a call must survive until the recording runs.
    void ropePositionsChange()
    {
        const std::vector<std::int32_t> first{5, 9, 100};
        const std::vector<std::int32_t> second{7000, 2, 3};
        const compute::RopeParams params{.dims = 32};
        TensorPair a = random(3, 64, 7);
        TensorPair b = random(3, 64, 8);
        for (const auto *positions : {&first, &second, &first}) {
            for (TensorPair *x : {&a, &b}) {
                m_backends->cpu.rope(*x->cpu, 2, *positions, params);
                m_backends->gpu.rope(*x->gpu, 2, *positions, params);
            }
        }
        QVERIFY(error(a, 1.0) < 1e-6);
        QVERIFY(error(b, 1.0) < 1e-6);
    }

    // ropeAndStore's one dispatch gives the four plain ops' results: queries and keys turned, keys
    // and values in the cache rows from cacheRow on (Q8_0 rounded as the CPU rounds it, byte for
    // byte), the rows around them kept; with head norms (Gemma 3), every query and key head
    // normalized first, bit for bit as the CPU does. Heads the dispatch cannot store take the plain
    // ops: an odd size for F16, one Q8_0 block.
    void ropeAndStore_data()
    {
        QTest::addColumn<TensorType>("cacheType");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cacheRow");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("dims");
        QTest::addColumn<bool>("neox");
        QTest::addColumn<bool>("headNorms");
        for (const TensorType type : {TensorType::F16, TensorType::F32, TensorType::Q8_0}) {
            const std::string name(gguf::tensorTypeName(type));
            for (const bool neox : {false, true}) {
                const char *mode = neox ? "neox" : "normal";
                QTest::addRow("%s %s decode at 5", name.c_str(), mode) << type << 1 << 5 << 64 << 64 << neox << false;
                QTest::addRow("%s %s prefill of 7 at 0", name.c_str(), mode) << type << 7 << 0 << 64 << 64 << neox << false;
                QTest::addRow("%s %s partial rotary at 3", name.c_str(), mode) << type << 3 << 3 << 128 << 32 << neox << false;
            }
            QTest::addRow("%s head norms, decode at 9", name.c_str()) << type << 1 << 9 << 256 << 256 << true << true;
            QTest::addRow("%s head norms, prefill of 6 at 0", name.c_str()) << type << 6 << 0 << 64 << 64 << true << true;
        }
        QTest::addRow("f16 odd head") << TensorType::F16 << 2 << 1 << 7 << 6 << false << false;
        QTest::addRow("f16 odd head, head norms") << TensorType::F16 << 2 << 1 << 7 << 6 << false << true;
        QTest::addRow("q8_0 head of one block") << TensorType::Q8_0 << 3 << 2 << 32 << 32 << true << false;
        QTest::addRow("f16 last row of the cache") << TensorType::F16 << 1 << 15 << 64 << 64 << true << false;
    }

    void ropeAndStore()
    {
        QFETCH(TensorType, cacheType);
        QFETCH(int, rows);
        QFETCH(int, cacheRow);
        QFETCH(int, headDim);
        QFETCH(int, dims);
        QFETCH(bool, neox);
        QFETCH(bool, headNorms);
        constexpr std::size_t heads = 6, kvHeads = 2, cacheRows = 16;
        const std::size_t kvCols = kvHeads * headDim;
        // Activations far from unit size, as Gemma's projections give, so that the norms matter.
        TensorPair q = random(rows, heads * headDim, 41, -20.0f, 20.0f);
        TensorPair k = random(rows, kvCols, 42, -20.0f, 20.0f);
        const TensorPair queryGain = random(1, headDim, 45, 0.5f, 1.5f);
        const TensorPair keyGain = random(1, headDim, 46, 0.5f, 1.5f);
        const TensorPair v = random(rows, kvCols, 43);
        // Filled first, so that a write outside the batch's rows would show.
        const TensorPair filler = random(cacheRows, kvCols, 44, -8.0f, 8.0f);
        TensorPair kCache = m_backends->create(cacheType, cacheRows, kvCols);
        TensorPair vCache = m_backends->create(cacheType, cacheRows, kvCols);
        std::vector<std::int32_t> positions(rows);
        std::iota(positions.begin(), positions.end(), 1000 + cacheRow);
        const compute::RopeParams params{.dims = std::size_t(dims), .neox = neox};
        for (compute::ComputeBackend *backend :
             {static_cast<compute::ComputeBackend *>(&m_backends->cpu), static_cast<compute::ComputeBackend *>(&m_backends->gpu)}) {
            const bool gpu = backend == &m_backends->gpu;
            const auto of = [gpu](const TensorPair &pair) -> compute::Tensor & {
                return gpu ? *pair.gpu : *pair.cpu;
            };
            backend->copyRows(of(filler), 0, of(kCache), 0, cacheRows);
            backend->copyRows(of(filler), 0, of(vCache), 0, cacheRows);
            const compute::HeadNorms norms{&of(queryGain), &of(keyGain), 1e-6f};
            backend->ropeAndStore(of(q), of(k), of(v), heads, kvHeads, positions, params, of(kCache), of(vCache), cacheRow, headNorms ? &norms : nullptr);
        }
        QVERIFY(identical(q));
        QVERIFY(identical(k));
        if (cacheType == TensorType::Q8_0) {
            const std::size_t rowBytes = kvCols / quant::kQK * sizeof(quant::BlockQ8_0);
            using Written = std::pair<const TensorPair *, const TensorPair *>; // a cache, the batch rows it got
            for (const auto &[cache, batch] : {Written{&kCache, &k}, Written{&vCache, &v}}) {
                // The CPU's rounding of the filler, then of the batch's rows where they went.
                std::vector<float> values(cacheRows * kvCols);
                m_backends->cpu.read(*filler.cpu, 0, cacheRows, values.data());
                m_backends->cpu.read(*batch->cpu, 0, std::size_t(rows), values.data() + std::size_t(cacheRow) * kvCols);
                std::vector<std::uint8_t> expected(cacheRows * rowBytes);
                for (std::size_t r = 0; r < cacheRows; ++r)
                    compute::quantizeActivationsQ8_0(values.data() + r * kvCols, reinterpret_cast<quant::BlockQ8_0 *>(expected.data() + r * rowBytes), kvCols);
                QVERIFY2(gpuBytes(*cache->gpu, expected.size()) == expected, cache == &kCache ? "key cache" : "value cache");
            }
            return;
        }
        for (const TensorPair *cache : {&kCache, &vCache}) {
            TensorPair back = m_backends->create(TensorType::F32, cacheRows, kvCols);
            m_backends->cpu.copyRows(*cache->cpu, 0, *back.cpu, 0, cacheRows);
            m_backends->gpu.copyRows(*cache->gpu, 0, *back.gpu, 0, cacheRows);
            QVERIFY2(identical(back), cache == &kCache ? "key cache" : "value cache");
        }
    }

    // F32 -> F16 -> F32 at odd element offsets (odd columns), with values that test the rounding:
    // ties, subnormals, the largest half and overflow. Every step must give the CPU's bits.
    void copyRows()
    {
        const std::size_t cols = 7;
        std::vector<float> values = randomFloats(6 * cols, 9, -4.0f, 4.0f);
        const float special[] = {1.0f + 0x1p-11f,
                                 1.0f + 3 * 0x1p-11f,
                                 65504.0f,
                                 65519.0f,
                                 65520.0f,
                                 -1e9f,
                                 1e-6f,
                                 -3e-7f,
                                 0x1p-25f,
                                 0x1.8p-24f,
                                 -0.0f,
                                 5.9604645e-8f,
                                 6.1e-5f,
                                 1e-30f,
                                 std::numeric_limits<float>::infinity()};
        std::copy(std::begin(special), std::end(special), values.begin() + cols);
        const TensorPair src = m_backends->input(values, 6, cols);
        const TensorPair filler = random(10, cols, 10, -100.0f, 100.0f);
        TensorPair cache = m_backends->create(TensorType::F16, 10, cols);
        TensorPair otherCache = m_backends->create(TensorType::F16, 12, cols);
        TensorPair back = m_backends->create(TensorType::F32, 12, cols);
        TensorPair f32Copy = m_backends->create(TensorType::F32, 9, cols);
        const auto both = [this](const TensorPair &from, std::size_t fromRow, TensorPair &to, std::size_t toRow, std::size_t count) {
            m_backends->cpu.copyRows(*from.cpu, fromRow, *to.cpu, toRow, count);
            m_backends->gpu.copyRows(*from.gpu, fromRow, *to.gpu, toRow, count);
        };
        both(filler, 0, cache, 0, 10);
        both(src, 1, cache, 3, 4); // starts at element 21: the second half of a word
        both(src, 0, cache, 8, 1); // ends at element 62: the first half of a word
        both(cache, 1, otherCache, 4, 8); // F16 -> F16
        both(otherCache, 0, back, 0, 12);
        QVERIFY(identical(back));
        both(cache, 3, back, 1, 5); // F16 -> F32 from an odd element offset
        both(src, 2, f32Copy, 5, 4); // F32 -> F32
        QVERIFY(identical(back));
        QVERIFY(identical(f32Copy));
    }

    // F32 rows into a Q8_0 cache, rounded as the CPU rounds them, byte for byte: rows of an odd
    // number of blocks start halfway into a word, and a copy must keep the neighbouring blocks.
    void copyRowsToQ8_0_data()
    {
        QTest::addColumn<int>("cols");
        QTest::newRow("1 block per row") << 32;
        QTest::newRow("2 blocks per row") << 64;
        QTest::newRow("3 blocks per row") << 96;
    }

    void copyRowsToQ8_0()
    {
        QFETCH(int, cols);
        const std::size_t columns = std::size_t(cols), rows = 9;
        std::vector<float> values = randomFloats(6 * columns, 12, -4.0f, 4.0f);
        std::fill(values.begin() + std::ptrdiff_t(columns), values.begin() + std::ptrdiff_t(columns + 32), 0.0f); // amax 0
        values[2 * columns] = -1e9f; // a scale beyond the largest half
        values[3 * columns + 5] = 1e-30f;
        const TensorPair src = m_backends->input(values, 6, columns);
        const TensorPair filler = random(rows, columns, 13, -50.0f, 50.0f);
        TensorPair cache = m_backends->create(TensorType::Q8_0, rows, columns);
        TensorPair otherCache = m_backends->create(TensorType::Q8_0, rows, columns);

        // What the cache must hold: the CPU backend's rounding of each row copied in.
        const std::size_t rowBytes = columns / quant::kQK * sizeof(quant::BlockQ8_0);
        std::vector<std::uint8_t> expected(rows * rowBytes);
        const auto both = [&](const TensorPair &from, std::size_t fromRow, TensorPair &to, std::size_t toRow, std::size_t count) {
            m_backends->cpu.copyRows(*from.cpu, fromRow, *to.cpu, toRow, count);
            m_backends->gpu.copyRows(*from.gpu, fromRow, *to.gpu, toRow, count);
        };
        const auto write = [&](const TensorPair &from, const std::vector<float> &fromValues, std::size_t fromRow, std::size_t toRow, std::size_t count) {
            both(from, fromRow, cache, toRow, count);
            for (std::size_t r = 0; r < count; ++r)
                compute::quantizeActivationsQ8_0(fromValues.data() + (fromRow + r) * columns,
                                                 reinterpret_cast<quant::BlockQ8_0 *>(expected.data() + (toRow + r) * rowBytes),
                                                 columns);
        };
        std::vector<float> fillerValues(rows * columns);
        m_backends->cpu.read(*filler.cpu, 0, rows, fillerValues.data());
        write(filler, fillerValues, 0, 0, rows);
        QVERIFY(gpuBytes(*cache.gpu, expected.size()) == expected);
        write(src, values, 1, 3, 4); // from an odd row
        write(src, values, 0, 8, 1); // the last row alone
        write(src, values, 5, 1, 1);
        QVERIFY(gpuBytes(*cache.gpu, expected.size()) == expected);
        both(cache, 2, otherCache, 2, 6); // Q8_0 -> Q8_0
        const std::vector<std::uint8_t> copied = gpuBytes(*otherCache.gpu, expected.size());
        QVERIFY(std::equal(copied.begin() + std::ptrdiff_t(2 * rowBytes),
                           copied.begin() + std::ptrdiff_t(8 * rowBytes),
                           expected.begin() + std::ptrdiff_t(2 * rowBytes)));
        QVERIFY(std::all_of(copied.begin(), copied.begin() + std::ptrdiff_t(2 * rowBytes), [](std::uint8_t byte) {
            return byte == 0;
        }));
    }

    void sliceColumns_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("srcCols");
        QTest::addColumn<int>("firstCol");
        QTest::addColumn<int>("cols");
        QTest::newRow("1 row") << 1 << 13 << 4 << 6;
        QTest::newRow("whole rows") << 3 << 300 << 0 << 300;
        QTest::newRow("last columns") << 1000 << 300 << 299 << 1;
        QTest::newRow("fused qkv") << 5 << 3 * 320 << 320 << 320;
    }

    void sliceColumns()
    {
        QFETCH(int, rows);
        QFETCH(int, srcCols);
        QFETCH(int, firstCol);
        QFETCH(int, cols);
        const TensorPair src = random(rows, srcCols, 11);
        TensorPair out = m_backends->create(TensorType::F32, rows, cols);
        m_backends->cpu.sliceColumns(*src.cpu, firstCol, *out.cpu);
        m_backends->gpu.sliceColumns(*src.gpu, firstCol, *out.gpu);
        QVERIFY(identical(out));
    }

    void elementwise_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::newRow("1x1") << 1 << 1;
        QTest::newRow("3x257") << 3 << 257;
        QTest::newRow("70x1001") << 70 << 1001;
    }

    void elementwise()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        const auto check = [this](const char *op, const TensorPair &x, double tolerance) {
            const double e = error(x);
            QVERIFY2(e <= tolerance, qPrintable(QStringLiteral("%1: max relative error %2").arg(QLatin1String(op)).arg(e)));
        };
        const TensorPair y = random(rows, cols, 12, -3.0f, 3.0f);
        const TensorPair bias = random(1, cols, 13);

        TensorPair x = random(rows, cols, 14, -3.0f, 3.0f);
        m_backends->cpu.add(*x.cpu, *y.cpu);
        m_backends->gpu.add(*x.gpu, *y.gpu);
        m_backends->cpu.addBias(*x.cpu, *bias.cpu);
        m_backends->gpu.addBias(*x.gpu, *bias.gpu);
        m_backends->cpu.scale(*x.cpu, 0.3f);
        m_backends->gpu.scale(*x.gpu, 0.3f);
        QVERIFY(identical(x));

        // Large enough that silu's exponential over- and underflows.
        TensorPair gate = random(rows, cols, 15, -100.0f, 100.0f);
        m_backends->cpu.swiglu(*gate.cpu, *y.cpu);
        m_backends->gpu.swiglu(*gate.gpu, *y.gpu);
        check("swiglu", gate, 1e-5);

        // Over the range where the CPU's half table applies and beyond it on both sides. The table
        // rounds the result to half, so an ulp of difference in tanh can move a result by a half's
        // ulp (2^-11 relative).
        TensorPair g = random(rows, cols, 16, -12.0f, 12.0f);
        m_backends->cpu.gelu(*g.cpu);
        m_backends->gpu.gelu(*g.gpu);
        check("gelu", g, 1e-3);
        TensorPair gg = random(rows, cols, 17, -12.0f, 12.0f);
        m_backends->cpu.geglu(*gg.cpu, *y.cpu);
        m_backends->gpu.geglu(*gg.gpu, *y.gpu);
        check("geglu", gg, 1e-3);

        // Small inputs need tanh's relative precision near zero, large ones its saturation.
        std::vector<float> values = randomFloats(std::size_t(rows) * cols, 18, -200.0f, 200.0f);
        for (std::size_t i = 0; i < values.size(); i += 2)
            values[i] *= 1e-4f;
        TensorPair s = m_backends->input(values, rows, cols);
        m_backends->cpu.softcap(*s.cpu, 30.0f);
        m_backends->gpu.softcap(*s.gpu, 30.0f);
        check("softcap", s, 1e-5);
    }

    // More elements than 65535 workgroups of 256 invocations: the dispatch folds into two axes.
    void elementwiseBeyondOneAxis()
    {
        const std::size_t rows = 4100, cols = 4097;
        TensorPair x = random(rows, cols, 19);
        m_backends->cpu.scale(*x.cpu, -2.5f);
        m_backends->gpu.scale(*x.gpu, -2.5f);
        QVERIFY(identical(x));
    }

    void cleanupTestCase()
    {
        m_backends.reset();
    }
};

QTEST_GUILESS_MAIN(VulkanRowOpsTest)
#include "VulkanRowOpsTest.moc"
