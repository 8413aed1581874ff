#include "GgufBuilder.h"

#include "gguf/GgufFile.h"
#include "util/Error.h"

#include <QTest>

#include <cstring>
#include <limits>

using namespace glassbox;
using namespace glassbox::gguf;
using glassbox::gguf::test::GgufBuilder;

Q_DECLARE_METATYPE(std::vector<std::uint8_t>)

namespace {

constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();
// Metadata starts right after magic, version and the two counts.
constexpr std::uint64_t kMetadataAt = 24;

void addCase(const char *tag, const std::vector<std::uint8_t> &bytes, std::uint64_t offset, const char *message)
{
    QTest::newRow(tag) << bytes << quint64(offset) << QString::fromUtf8(message);
}

// One metadata entry with a long key, so that truncating the file inside it still leaves more bytes
// than the smallest possible entry and the reader gets as far as the key itself.
GgufBuilder withLongKey(std::string_view key, ValueType type)
{
    GgufBuilder b;
    b.header(3, 0, 1).key(key, type);
    return b;
}

// A file whose only tensor has the given shape and type; enough data follows for a 64-element F32
// tensor, so only the tensor-info check under test can fail.
std::vector<std::uint8_t> oneTensor(std::initializer_list<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset = 0)
{
    return GgufBuilder().header(3, 1, 0).tensorInfo("w", dims, type, offset).align().zeros(256).bytes();
}
std::vector<std::uint8_t> oneTensor(std::initializer_list<std::uint64_t> dims, TensorType type, std::uint64_t offset = 0)
{
    return oneTensor(dims, static_cast<std::uint32_t>(type), offset);
}

std::unique_ptr<GgufFile> parse(const GgufBuilder &builder)
{
    return GgufFile::fromBytes(builder.bytes(), "valid.gguf");
}

} // namespace

class GgufMalformedTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectsMalformedFile_data()
    {
        QTest::addColumn<std::vector<std::uint8_t>>("bytes");
        QTest::addColumn<quint64>("offset");
        QTest::addColumn<QString>("message");

        // Header
        addCase("empty", {}, 0, "the file is empty");
        addCase("short magic", GgufBuilder().raw("GGU").bytes(), 0, "file is truncated: expected the magic 'GGUF' (4 bytes) but only 3");
        addCase("bad magic", GgufBuilder().raw("GGML").put(3u).zeros(16).bytes(), 0, "not a GGUF file: expected the magic 'GGUF' but found 'GGML'");
        addCase("binary magic", GgufBuilder().put(0x464c457fu).zeros(20).bytes(), 0, "found '\\x7fELF'");
        addCase("version 1", GgufBuilder().header(1, 0, 0).bytes(), 4, "unsupported GGUF version 1; supported versions are 2 and 3");
        addCase("version 4", GgufBuilder().header(4, 0, 0).bytes(), 4, "unsupported GGUF version 4;");
        addCase("big-endian", GgufBuilder().header(0x03000000, 0, 0).bytes(), 4, "unsupported GGUF version 50331648 (a big-endian file?)");
        addCase("truncated version", GgufBuilder().raw("GGUF").put(std::uint16_t(3)).bytes(), 4, "expected the format version (4 bytes) but only 2");
        addCase("truncated tensor count", GgufBuilder().header(3, 0, 0).prefix(12), 8, "expected the tensor count (8 bytes) but only 4");
        addCase("truncated metadata count", GgufBuilder().header(3, 0, 0).prefix(20), 16, "expected the metadata count (8 bytes) but only 4");
        addCase("huge metadata count", GgufBuilder().header(3, 0, kHuge).zeros(64).bytes(), 16,
                "metadata key/value count 18446744073709551615 cannot fit in the 64 bytes left");
        addCase("huge tensor count", GgufBuilder().header(3, std::uint64_t(1) << 40, 1).kvUInt32("a", 1).zeros(100).bytes(), 8,
                "tensor count 1099511627776 cannot fit in the 100 bytes left");

        // Metadata
        {
            GgufBuilder b;
            b.header(3, 0, 2).kvString("general.name", std::string(40, 'x')).zeros(3);
            addCase("truncated key length", b.bytes(), kMetadataAt + 72, "expected a metadata key (8 bytes) but only 3");
        }
        addCase("truncated key", withLongKey("general.architecture.with.a.long.key", ValueType::UInt8).prefix(kMetadataAt + 18), kMetadataAt,
                "a metadata key claims 36 bytes but only 10 bytes are left");
        addCase("truncated value type", withLongKey("general.architecture", ValueType::String).prefix(kMetadataAt + 30), kMetadataAt + 28,
                "expected a value type (4 bytes) but only 2");
        addCase("truncated value", withLongKey("llama.context_length", ValueType::UInt32).put(std::uint16_t(1)).bytes(), kMetadataAt + 32,
                "expected a uint32 value (4 bytes) but only 2");
        addCase("truncated string length", withLongKey("general.architecture", ValueType::String).zeros(2).bytes(), kMetadataAt + 32,
                "expected a string value (8 bytes) but only 2");
        addCase("string beyond file", GgufBuilder().header(3, 0, 1).key("k", ValueType::String).put(std::uint64_t(1000)).raw("abc").bytes(),
                kMetadataAt + 13, "a string value claims 1000 bytes but only 3 bytes are left in the file");
        addCase("empty key", GgufBuilder().header(3, 0, 1).kvUInt32("", 7).bytes(), kMetadataAt, "empty metadata key");
        addCase("duplicate key", GgufBuilder().header(3, 0, 2).kvUInt32("a", 1).kvUInt32("a", 2).bytes(), kMetadataAt + 17,
                "duplicate metadata key 'a'");
        addCase("unknown value type", GgufBuilder().header(3, 0, 1).key("k", ValueType(13)).put(0u).bytes(), kMetadataAt + 9,
                "unknown metadata value type 13 for key 'k'");
        addCase("unknown array element type", GgufBuilder().header(3, 0, 1).key("k", ValueType::Array).arrayHeader(ValueType(99), 1).put(0u).bytes(),
                kMetadataAt + 13, "unknown metadata value type 99 for key 'k'");
        addCase("bool not 0 or 1", GgufBuilder().header(3, 0, 1).key("b", ValueType::Bool).put(std::uint8_t(2)).bytes(), kMetadataAt + 13,
                "bool value 2 of key 'b' is neither 0 nor 1");
        addCase("truncated array", withLongKey("tokenizer.ggml.scores", ValueType::Array).arrayHeader(ValueType::Float32, 10).put(1.f).put(2.f).put(3.f).bytes(),
                kMetadataAt + 37, "array element count 10 cannot fit in the 12 bytes left");
        addCase("truncated array of strings",
                GgufBuilder().header(3, 0, 1).key("t", ValueType::Array).arrayHeader(ValueType::String, 2).string("ab").put(std::uint64_t(5)).raw("cd").bytes(),
                kMetadataAt + 35, "a string value claims 5 bytes but only 2 bytes are left");
        addCase("huge array count", GgufBuilder().header(3, 0, 1).key("k", ValueType::Array).arrayHeader(ValueType::UInt8, std::uint64_t(1) << 62).zeros(8).bytes(),
                kMetadataAt + 17, "array element count 4611686018427387904 cannot fit in the 8 bytes left");
        {
            // Every byte is there, but as Values the elements would take about 50 times the file size.
            const std::uint64_t count = (std::uint64_t(1) << 24) + 1;
            GgufBuilder b;
            b.header(3, 0, 1).key("k", ValueType::Array).arrayHeader(ValueType::UInt8, count).zeros(count);
            addCase("array beyond the value limit", b.bytes(), kMetadataAt + 17, "array of 16777217 elements in key 'k' exceeds the limit of 16777216 metadata values");
        }
        {
            GgufBuilder b;
            b.header(3, 0, 1).key("n", ValueType::Array);
            for (int level = 0; level < 8; ++level)
                b.arrayHeader(ValueType::Array, 1);
            b.arrayHeader(ValueType::UInt8, 0);
            addCase("arrays nested too deep", b.bytes(), kMetadataAt + 13 + 8 * 12, "arrays nested deeper than 8 levels in key 'n'");
        }
        addCase("alignment not a power of two", GgufBuilder().header(3, 0, 1).kvUInt32("general.alignment", 48).bytes(), kMetadataAt,
                "general.alignment must be a power of two stored as uint32, found uint32 48");
        addCase("alignment zero", GgufBuilder().header(3, 0, 1).kvUInt32("general.alignment", 0).bytes(), kMetadataAt, "found uint32 0");
        addCase("alignment of the wrong type",
                GgufBuilder().header(3, 0, 2).kvUInt32("a", 1).key("general.alignment", ValueType::UInt64).put(std::uint64_t(32)).bytes(),
                kMetadataAt + 17, "general.alignment must be a power of two stored as uint32, found uint64 32");
        addCase("alignment as a string", GgufBuilder().header(3, 0, 1).kvString("general.alignment", "32").bytes(), kMetadataAt,
                "found string \"32\"");

        // Tensor table
        {
            GgufBuilder b;
            b.header(3, 1, 0).tensorInfo(std::string(40, 'w'), {64}, TensorType::F32, 0);
            addCase("truncated tensor info", b.prefix(kMetadataAt + 60), kMetadataAt + 60, "expected a tensor type (4 bytes) but only 0");
        }
        addCase("truncated tensor name", GgufBuilder().header(3, 1, 0).put(std::uint64_t(100)).raw("w").zeros(30).bytes(), kMetadataAt,
                "a tensor name claims 100 bytes but only 31 bytes are left");
        addCase("empty tensor name", GgufBuilder().header(3, 1, 0).tensorInfo("", {64}, TensorType::F32, 0).zeros(300).bytes(), kMetadataAt,
                "tensor 0 has an empty name");
        addCase("zero dimensions", oneTensor({}, TensorType::F32), kMetadataAt + 9, "tensor 'w' has 0 dimensions; expected 1 to 4");
        addCase("too many dimensions", oneTensor({1, 1, 1, 1, 1}, TensorType::F32), kMetadataAt + 9, "tensor 'w' has 5 dimensions; expected 1 to 4");
        addCase("huge dimension", oneTensor({std::uint64_t(1) << 63}, TensorType::F32), kMetadataAt + 9,
                "tensor 'w' has a negative or huge dimension 9223372036854775808");
        addCase("element count overflow", oneTensor({std::uint64_t(1) << 32, std::uint64_t(1) << 32}, TensorType::F32), kMetadataAt + 9,
                "tensor 'w': the element count overflows 64 bits");
        addCase("byte size overflow", oneTensor({std::uint64_t(1) << 62}, TensorType::F32), kMetadataAt + 9, "tensor 'w': the byte size overflows 64 bits");
        addCase("row not a multiple of the block", oneTensor({33, 2}, TensorType::Q4_0), kMetadataAt + 9,
                "tensor 'w': row length 33 is not a multiple of the Q4_0 block size 32");
        addCase("unknown tensor type", oneTensor({64}, 4u), kMetadataAt + 21, "unknown tensor type 4 in tensor 'w'");
        addCase("unknown tensor type far out", oneTensor({64}, 0xffffffffu), kMetadataAt + 21, "unknown tensor type 4294967295 in tensor 'w'");
        addCase("misaligned offset", oneTensor({16}, TensorType::F32, 16), kMetadataAt + 25, "tensor 'w': data offset 16 is not a multiple of the alignment 32");
        addCase("duplicate tensor name",
                GgufBuilder().header(3, 2, 0).tensorInfo("w", {8}, TensorType::F32, 0).tensorInfo("w", {8}, TensorType::F32, 32).align().zeros(64).bytes(),
                kMetadataAt + 33, "duplicate tensor name 'w'");

        // Tensor data
        addCase("data section missing", GgufBuilder().header(3, 1, 0).tensorInfo("w", {8}, TensorType::F32, 0).bytes(), kMetadataAt + 33,
                "file is truncated: the tensor data section should start at byte 64");
        addCase("truncated tensor data", GgufBuilder().header(3, 1, 0).tensorInfo("w", {8}, TensorType::F32, 0).align().zeros(31).bytes(), 64,
                "tensor 'w' (32 bytes at data offset 0) runs past the end of the file");
        addCase("tensor past end", GgufBuilder().header(3, 1, 0).tensorInfo("w", {8}, TensorType::F32, 1 << 20).align().zeros(32).bytes(),
                64 + (1 << 20), "tensor 'w' (32 bytes at data offset 1048576) runs past the end of the file");
        addCase("overlapping tensors",
                GgufBuilder().header(3, 2, 0).tensorInfo("a", {16}, TensorType::F32, 0).tensorInfo("b", {8}, TensorType::F32, 32).align().zeros(96).bytes(),
                96 + 32, "tensor 'b' overlaps tensor 'a' (data offsets 0+64 and 32)");
    }

    void rejectsMalformedFile()
    {
        QFETCH(std::vector<std::uint8_t>, bytes);
        QFETCH(quint64, offset);
        QFETCH(QString, message);
        const std::string label = std::string(QTest::currentDataTag()) + ".gguf";
        try {
            GgufFile::fromBytes(bytes, label);
            QFAIL("the file was accepted");
        } catch (const Error &error) {
            const QString what = QString::fromUtf8(error.what());
            const QString where = QString::fromStdString(label) + QStringLiteral(": byte %1: ").arg(offset);
            QVERIFY2(what.startsWith(where), qPrintable(QStringLiteral("expected the prefix '%1' in: %2").arg(where, what)));
            QVERIFY2(what.contains(message), qPrintable(QStringLiteral("expected '%1' in: %2").arg(message, what)));
        }
    }

    void everyValueTypeRoundTrips()
    {
        GgufBuilder b;
        b.header(3, 0, 13);
        b.key("u8", ValueType::UInt8).put(std::uint8_t(200));
        b.key("i8", ValueType::Int8).put(std::int8_t(-100));
        b.key("u16", ValueType::UInt16).put(std::uint16_t(60000));
        b.key("i16", ValueType::Int16).put(std::int16_t(-30000));
        b.key("u32", ValueType::UInt32).put(std::uint32_t(4000000000u));
        b.key("i32", ValueType::Int32).put(std::int32_t(-2000000000));
        b.key("f32", ValueType::Float32).put(1.5f);
        b.key("bool", ValueType::Bool).put(std::uint8_t(1));
        b.kvString("str", "h\xc3\xa9llo");
        b.key("arr", ValueType::Array).arrayHeader(ValueType::Int16, 3).put(std::int16_t(-1)).put(std::int16_t(0)).put(std::int16_t(1));
        b.key("u64", ValueType::UInt64).put(std::uint64_t(18000000000000000000u));
        b.key("i64", ValueType::Int64).put(std::int64_t(-9000000000000000000));
        b.key("f64", ValueType::Float64).put(-0.125);
        const auto file = parse(b);

        QCOMPARE(file->metadata().size(), std::size_t(13));
        const char *order[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64", "i64", "f64"};
        for (std::uint32_t i = 0; i < 13; ++i) {
            QCOMPARE(file->metadata()[i].key, std::string(order[i]));
            QCOMPARE(static_cast<std::uint32_t>(file->metadata()[i].value.type), i);
        }
        QCOMPARE(file->getUInt("u8").value(), 200u);
        QCOMPARE(file->getInt("i8").value(), -100);
        QCOMPARE(file->getUInt("u16").value(), 60000u);
        QCOMPARE(file->getInt("i16").value(), -30000);
        QCOMPARE(file->getUInt("u32").value(), 4000000000u);
        QCOMPARE(file->getInt("i32").value(), -2000000000);
        QCOMPARE(file->getFloat("f32").value(), 1.5);
        QCOMPARE(file->getBool("bool").value(), true);
        QCOMPARE(file->getString("str").value(), std::string("h\xc3\xa9llo"));
        const ValueArray *array = file->getArray("arr");
        QVERIFY(array);
        QCOMPARE(array->elementType, ValueType::Int16);
        QCOMPARE(array->items.size(), std::size_t(3));
        QCOMPARE(array->items[0].asInt().value(), -1);
        QCOMPARE(array->items[2].asInt().value(), 1);
        QCOMPARE(file->getUInt("u64").value(), 18000000000000000000u);
        QCOMPARE(file->getInt("i64").value(), -9000000000000000000);
        QCOMPARE(file->getFloat("f64").value(), -0.125);
        QVERIFY(!file->getUInt("i8"));
        QVERIFY(!file->getBool("u8"));
        QVERIFY(file->tensors().empty());
    }

    void nestedArraysOfStringsParse()
    {
        GgufBuilder b;
        b.header(3, 0, 1).key("tokenizer.ggml.merges_nested", ValueType::Array).arrayHeader(ValueType::Array, 2);
        b.arrayHeader(ValueType::String, 2).string("a b").string("");
        b.arrayHeader(ValueType::String, 1).string("\xe2\x96\x81the");
        const auto file = parse(b);
        const ValueArray *outer = file->getArray("tokenizer.ggml.merges_nested");
        QVERIFY(outer);
        QCOMPARE(outer->elementType, ValueType::Array);
        QCOMPARE(outer->items.size(), std::size_t(2));
        const ValueArray *first = outer->items[0].asArray();
        const ValueArray *second = outer->items[1].asArray();
        QVERIFY(first && second);
        QCOMPARE(first->elementType, ValueType::String);
        QCOMPARE(*first->items[0].asString(), std::string("a b"));
        QCOMPARE(*first->items[1].asString(), std::string());
        QCOMPARE(*second->items[0].asString(), std::string("\xe2\x96\x81the"));
    }

    void eightLevelsOfNestingAreAllowed()
    {
        GgufBuilder b;
        b.header(3, 0, 1).key("n", ValueType::Array);
        for (int level = 0; level < 7; ++level)
            b.arrayHeader(ValueType::Array, 1);
        b.arrayHeader(ValueType::UInt8, 1).put(std::uint8_t(42));
        const auto file = parse(b);
        const Value *value = file->find("n");
        for (int level = 0; level < 8; ++level) {
            QVERIFY(value && value->asArray());
            value = &value->asArray()->items.at(0);
        }
        QCOMPARE(value->asUInt().value(), 42u);
    }

    void readsVersion2()
    {
        GgufBuilder b;
        b.header(2, 1, 1).kvString("general.architecture", "llama").tensorInfo("w", {4}, TensorType::F32, 0).align();
        b.put(1.f).put(2.f).put(3.f).put(4.f);
        const auto file = parse(b);
        QCOMPARE(file->version(), 2u);
        QCOMPARE(file->architecture(), std::string("llama"));
        float values[4];
        std::memcpy(values, file->findTensor("w")->data, sizeof values);
        QCOMPARE(values[3], 4.f);
    }

    void honoursAlignment64()
    {
        GgufBuilder b;
        b.header(3, 2, 1).kvUInt32("general.alignment", 64);
        b.tensorInfo("a", {2, 3}, TensorType::F16, 0).tensorInfo("b", {32}, TensorType::Q8_0, 64).align(64);
        const std::size_t dataStart = b.size();
        b.zeros(12).align(64).put(std::uint16_t(0x3c00)).zeros(31).put(std::uint8_t(7));
        const auto file = parse(b);
        QCOMPARE(file->alignment(), 64u);
        QCOMPARE(file->dataOffset(), std::uint64_t(dataStart));
        QCOMPARE(file->dataOffset() % 64, 0u);
        const TensorInfo *a = file->findTensor("a");
        const TensorInfo *q = file->findTensor("b");
        QCOMPARE(a->byteSize, 12u);
        QCOMPARE(a->rowCount(), 3u);
        QCOMPARE(q->byteSize, 34u);
        QCOMPARE(q->data, a->data + 64);
        QCOMPARE(q->data[33], std::uint8_t(7));
        QCOMPARE(file->fileSize(), std::uint64_t(dataStart + 64 + 34));
    }

    void misalignedForAlignment64()
    {
        GgufBuilder b;
        b.header(3, 1, 1).kvUInt32("general.alignment", 64).tensorInfo("w", {8}, TensorType::F32, 32).align(64).zeros(64);
        QVERIFY_THROWS_EXCEPTION(Error, parse(b));
    }

    void emptyTensorsOverlapNothing()
    {
        GgufBuilder b;
        b.header(3, 2, 0).tensorInfo("a", {8}, TensorType::F32, 0).tensorInfo("empty", {0, 4}, TensorType::F32, 0).align().zeros(32);
        const auto file = parse(b);
        QCOMPARE(file->findTensor("empty")->elementCount, 0u);
        QCOMPARE(file->findTensor("empty")->byteSize, 0u);
    }

    void tensorlessFileMayEndBeforeTheDataSection()
    {
        // Vocab-only files written by llama.cpp stop right after the metadata.
        GgufBuilder b;
        b.header(3, 0, 1).kvString("tokenizer.ggml.model", "gpt2");
        QVERIFY(b.size() % 32 != 0);
        const auto file = parse(b);
        QCOMPARE(file->getString("tokenizer.ggml.model").value(), std::string("gpt2"));
    }
};

QTEST_GUILESS_MAIN(GgufMalformedTest)
#include "GgufMalformedTest.moc"
