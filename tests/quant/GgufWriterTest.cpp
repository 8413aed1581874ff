#include "gguf/GgufFile.h"
#include "gguf/GgufWriter.h"
#include "util/Error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace glassbox;
using namespace glassbox::gguf;

namespace {

Value value(ValueType type, decltype(Value::data) data)
{
    Value v;
    v.type = type;
    v.data = std::move(data);
    return v;
}

} // namespace

class GgufWriterTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripsThroughGgufFile()
    {
        GgufWriter writer;
        writer.setMetadata("general.architecture", value(ValueType::String, std::string("llama")));
        writer.setMetadata("general.alignment", value(ValueType::UInt32, std::uint64_t(64)));
        writer.setMetadata("u8", value(ValueType::UInt8, std::uint64_t(200)));
        writer.setMetadata("i8", value(ValueType::Int8, std::int64_t(-100)));
        writer.setMetadata("u16", value(ValueType::UInt16, std::uint64_t(60000)));
        writer.setMetadata("i16", value(ValueType::Int16, std::int64_t(-30000)));
        writer.setMetadata("i32", value(ValueType::Int32, std::int64_t(-2000000000)));
        writer.setMetadata("u64", value(ValueType::UInt64, std::uint64_t(1) << 60));
        writer.setMetadata("i64", value(ValueType::Int64, std::int64_t(-1) << 60));
        writer.setMetadata("f32", value(ValueType::Float32, 0.5));
        writer.setMetadata("f64", value(ValueType::Float64, 1e300));
        writer.setMetadata("flag", value(ValueType::Bool, true));
        ValueArray inner{ValueType::Int32, {value(ValueType::Int32, std::int64_t(1)), value(ValueType::Int32, std::int64_t(-2))}};
        ValueArray outer{ValueType::Array, {value(ValueType::Array, inner)}};
        writer.setMetadata("nested", value(ValueType::Array, outer));
        writer.setMetadata("u8", value(ValueType::UInt8, std::uint64_t(7))); // replaces, keeps the position
        writer.addTensor("a", {3}, TensorType::F32);
        writer.addTensor("b", {32, 2}, TensorType::Q8_0);

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("t.gguf")).toStdString();
        writer.write(path, [&](std::size_t index, std::uint8_t *out) {
            for (std::size_t i = 0; i < writer.tensors()[index].byteSize; ++i)
                out[i] = std::uint8_t(index * 100 + i);
        });

        const GgufFile file(path);
        QCOMPARE(file.version(), 3u);
        QCOMPARE(file.alignment(), 64u);
        QCOMPARE(file.metadata().size(), std::size_t(13));
        QCOMPARE(file.metadata()[2].key, std::string("u8"));
        QCOMPARE(file.getUInt("u8").value(), 7u);
        QCOMPARE(file.getInt("i8").value(), -100);
        QCOMPARE(file.getUInt("u16").value(), 60000u);
        QCOMPARE(file.getInt("i16").value(), -30000);
        QCOMPARE(file.getInt("i32").value(), -2000000000);
        QCOMPARE(file.getUInt("u64").value(), std::uint64_t(1) << 60);
        QCOMPARE(file.getInt("i64").value(), std::int64_t(-1) << 60);
        QCOMPARE(file.getFloat("f32").value(), 0.5);
        QCOMPARE(file.getFloat("f64").value(), 1e300);
        QCOMPARE(file.getBool("flag").value(), true);
        QCOMPARE(file.find("nested")->toDisplayString(), value(ValueType::Array, outer).toDisplayString());
        QCOMPARE(file.tensors().size(), std::size_t(2));
        const TensorInfo *b = file.findTensor("b");
        QCOMPARE(b->type, TensorType::Q8_0);
        QCOMPARE(b->dims, (std::vector<std::uint64_t>{32, 2}));
        QCOMPARE(b->byteSize, std::uint64_t(68));
        QCOMPARE(b->offset % 64, 0u);
        QCOMPARE(b->data[67], std::uint8_t(167));
        QCOMPARE(file.findTensor("a")->data[11], std::uint8_t(11));
    }

    void rejectsBadTensors()
    {
        GgufWriter writer;
        writer.addTensor("w", {64, 2}, TensorType::Q4_0);
        QVERIFY_THROWS_EXCEPTION(Error, writer.addTensor("w", {64}, TensorType::F32));
        QVERIFY_THROWS_EXCEPTION(Error, writer.addTensor("v", {48}, TensorType::Q4_0));
        QVERIFY_THROWS_EXCEPTION(Error, writer.addTensor("u", {}, TensorType::F32));
        writer.setMetadata("bad", value(ValueType::UInt32, std::string("not a number")));
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Error, writer.write(dir.filePath(QStringLiteral("x.gguf")).toStdString(), [](std::size_t, std::uint8_t *) {}));
        QVERIFY(QDir(dir.path()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(GgufWriterTest)
#include "GgufWriterTest.moc"
