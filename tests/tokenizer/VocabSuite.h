#pragma once

#include <QDir>
#include <QFile>
#include <QStringList>

#include <string>
#include <vector>

// llama.cpp's tokenizer test suite in shared/models/vocab: X.gguf with X.gguf.inp (cases separated by
// "\n__ggml_vocab_test__\n", each followed by one) and X.gguf.out (one line of ids per case).
namespace glassbox::tokenizer::test {

inline QString vocabDir()
{
    return QStringLiteral(GLASSBOX_SHARED_DIR "/models/vocab");
}

inline QString vocabPath(const QString &name)
{
    return QDir(vocabDir()).filePath(name);
}

// Every vocabulary file that comes with expectations.
inline QStringList vocabFilesWithCases()
{
    const QDir dir(vocabDir());
    QStringList files;
    for (const QString &name : dir.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name))
        if (dir.exists(name + QStringLiteral(".inp")) && dir.exists(name + QStringLiteral(".out")))
            files << name;
    return files;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

inline std::vector<std::string> readCases(const QString &ggufPath)
{
    const std::string text = readAll(ggufPath + QStringLiteral(".inp")).toStdString();
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<std::string> cases;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + separator.size())
        cases.push_back(text.substr(start, end - start));
    return cases;
}

inline std::vector<std::vector<int>> readExpected(const QString &ggufPath)
{
    std::vector<std::vector<int>> expected;
    const QList<QByteArray> lines = readAll(ggufPath + QStringLiteral(".out")).split('\n');
    // The file ends with a newline, so the last split piece is not a case.
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        std::vector<int> ids;
        for (const QByteArray &id : lines[i].split(' '))
            if (!id.isEmpty())
                ids.push_back(id.toInt());
        expected.push_back(std::move(ids));
    }
    return expected;
}

} // namespace glassbox::tokenizer::test
