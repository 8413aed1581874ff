#pragma once

// Reads the golden files of tests/data/quant (written by tools/ggml-golden/make_golden.c from
// llama.cpp's own ggml) and generates the fixed quantization input exactly as that tool does.

#include "gguf/TensorType.h"

#include <QFile>
#include <QTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace glassbox::quant::test {

struct Golden {
    gguf::TensorType type = gguf::TensorType::F32;
    std::uint32_t elementCount = 0;
    std::string source;
    std::vector<std::uint8_t> bytes; // quantized blocks
    std::vector<float> floats; // ggml's dequantization of `bytes` (dequantization goldens only)
};

// Layout: "GBQGOLD1", u32 type, u32 elements, u32 byte count, u32 float count, char source[104],
// then the bytes, then the floats.
inline Golden readGolden(const QString &name)
{
    QFile file(QStringLiteral(GLASSBOX_TEST_DATA_DIR "/quant/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open golden file %s", qPrintable(file.fileName()));
    const QByteArray data = file.readAll();
    constexpr int kHeader = 8 + 4 * 4 + 104;
    if (data.size() < kHeader || !data.startsWith("GBQGOLD1"))
        qFatal("%s is not a golden file", qPrintable(name));
    std::uint32_t fields[4];
    std::memcpy(fields, data.constData() + 8, sizeof fields);
    Golden golden;
    golden.type = static_cast<gguf::TensorType>(fields[0]);
    golden.elementCount = fields[1];
    golden.source = std::string(data.constData() + 24, strnlen(data.constData() + 24, 104));
    if (data.size() != kHeader + qsizetype(fields[2]) + 4 * qsizetype(fields[3]))
        qFatal("%s has the wrong size", qPrintable(name));
    const char *payload = data.constData() + kHeader;
    golden.bytes.assign(payload, payload + fields[2]);
    golden.floats.resize(fields[3]);
    if (fields[3] != 0)
        std::memcpy(golden.floats.data(), payload + fields[2], 4 * std::size_t(fields[3]));
    return golden;
}

// The fixed input of the quantization goldens (make_input in make_golden.c): five super-blocks of
// bell-shaped values from an LCG, built with integer arithmetic and power-of-two scaling only, so the
// floats are bit-identical in both languages. Block 1 has outliers, block 2 is all positive, block 3
// has zero, constant and non-positive runs, block 4 is all zero.
inline std::vector<float> goldenInput()
{
    std::uint32_t state = 20251130u;
    const auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return std::int32_t(state >> 12);
    };
    std::vector<float> x(1280);
    for (int i = 0; i < 1280; ++i) {
        const int block = i / 256, at = i % 256;
        const std::int32_t g = next() + next() + next() - 3 * (1 << 19);
        switch (block) {
        case 0: x[i] = float(g) * 0x1p-20f; break;
        case 1: x[i] = float(at % 37 == 0 ? g * 8 : g) * 0x1p-26f; break;
        case 2: x[i] = float(g + (1 << 22)) * 0x1p-18f; break;
        case 3: x[i] = at < 128 ? 0.0f : at < 192 ? 0.5f : float(g < 0 ? g : -g) * 0x1p-20f; break;
        default: x[i] = 0.0f; break;
        }
    }
    return x;
}

// The types with golden files.
inline const std::vector<gguf::TensorType> &goldenTypes()
{
    using gguf::TensorType;
    static const std::vector<TensorType> types = {TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
                                                  TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q2_K, TensorType::Q3_K,
                                                  TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K};
    return types;
}

inline QString typeName(gguf::TensorType type)
{
    return QString::fromUtf8(gguf::tensorTypeName(type).data(), qsizetype(gguf::tensorTypeName(type).size()));
}

// sqrt(mean((a - b)^2)) / sqrt(mean(a^2)).
inline double relativeRmse(const float *reference, const float *actual, std::size_t n)
{
    double error = 0, energy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = double(actual[i]) - double(reference[i]);
        error += d * d;
        energy += double(reference[i]) * double(reference[i]);
    }
    return energy > 0 ? std::sqrt(error / energy) : std::sqrt(error);
}

} // namespace glassbox::quant::test
