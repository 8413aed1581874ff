#pragma once

#include "compute/cpu/CpuBackend.h"
#include "gguf/GgufFile.h"
#include "model/Transformer.h"
#include "tokenizer/Tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <vector>

// stories260K (a 1 MiB llama) and llama.cpp's greedy reference for it, shared by the session tests.
struct StoriesModel {
    static constexpr auto kPath = GLASSBOX_SHARED_DIR "/models/stories260K.gguf";
    static constexpr auto kReference = GLASSBOX_SHARED_DIR "/reference/stories260K-F32.ref.json";

    glassbox::gguf::GgufFile file{kPath};
    glassbox::compute::CpuBackend backend{2};
    glassbox::model::Transformer transformer{file, backend};
    std::unique_ptr<glassbox::tokenizer::Tokenizer> tokenizer = glassbox::tokenizer::Tokenizer::fromGguf(file);

    std::vector<std::int32_t> encode(const char *text) const
    {
        return tokenizer->encode(text, true, false);
    }

    // The reference's cases (prompt, tokens.with_bos, greedy.ids, ...).
    static QJsonArray referenceCases()
    {
        QFile file(QString::fromUtf8(kReference));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", kReference);
        return QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cases")).toArray();
    }

    static std::vector<std::int32_t> ids(const QJsonArray &array)
    {
        std::vector<std::int32_t> result;
        for (const QJsonValue &value : array)
            result.push_back(value.toInt());
        return result;
    }
};
