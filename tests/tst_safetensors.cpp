// SPDX-License-Identifier: MIT
// Safetensors reading and writing: round trips for every dtype, single files and sharded
// directories, the half-precision conversions, and one row per way a checkpoint can be broken —
// each must raise tokenscope::Error naming the file and the problem, never crash or hang.

#include "common/error.h"
#include "io/safetensors.h"
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

using namespace tokenscope;
using tokenscope::test::errorFrom;

using ShardContents = QMap<QString, QStringList>;   // shard file name -> tensor names
using RawFiles = QMap<QString, QByteArray>;         // relative path -> exact bytes

namespace {

std::filesystem::path toPath(const QString &path) { return std::filesystem::path(path.toStdString()); }


// 8-byte little-endian length, then `rest` verbatim (lets rows lie about the length).
QByteArray withLength(quint64 length, const QByteArray &rest)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((length >> (8 * i)) & 0xffu);
    return bytes + rest;
}

// A file whose header is `json`, followed by `dataBytes` bytes of data.
QByteArray safetensorsBytes(const QByteArray &json, int dataBytes = 0)
{
    return withLength(static_cast<quint64>(json.size()), json) + QByteArray(dataBytes, '\x11');
}

void writeRaw(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Distinct, exactly representable values so that a byte-level mix-up shows.
TensorData makeTensor(const std::string &name, DType dtype, std::vector<std::int64_t> shape, float seed = 0.0f)
{
    TensorData tensor{name, dtype, std::move(shape), {}};
    std::int64_t numel = 1;
    for (const auto dim : tensor.shape)
        numel *= dim;
    tensor.bytes.resize(static_cast<std::size_t>(numel) * dtypeSize(dtype));
    for (std::int64_t i = 0; i < numel; ++i) {
        const float value = seed + static_cast<float>(i % 37) * 0.25f - 4.0f;
        std::byte *out = tensor.bytes.data() + i * static_cast<std::int64_t>(dtypeSize(dtype));
        if (dtype == DType::F32) {
            std::memcpy(out, &value, 4);
        } else {
            const std::uint16_t half = dtype == DType::F16 ? floatToHalf(value) : floatToBfloat16(value);
            std::memcpy(out, &half, 2);
        }
    }
    return tensor;
}

bool sameBytes(std::span<const std::byte> view, const std::vector<std::byte> &expected)
{
    return view.size() == expected.size() && std::equal(view.begin(), view.end(), expected.begin());
}

QString tagAsFileName()
{
    QString name = QString::fromLatin1(QTest::currentDataTag());
    for (QChar &c : name) {
        if (!c.isLetterOrNumber())
            c = u'-';
    }
    return name;
}

float floatFromBits(std::uint32_t bits) { return std::bit_cast<float>(bits); }

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tmp;

    // A fresh, empty directory for one test or row.
    QString scratch(const QString &name)
    {
        QDir dir(m_tmp->filePath(name));
        dir.removeRecursively();
        QDir().mkpath(dir.path());
        return dir.path();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString base = qEnvironmentVariable("TOKENSCOPE_TEST_TMP", QDir::tempPath());
        QVERIFY(QDir().mkpath(base));
        m_tmp = std::make_unique<QTemporaryDir>(base + "/tst_safetensors-XXXXXX");
        QVERIFY(m_tmp->isValid());
    }

    // --- fp16 / bf16 conversions -----------------------------------------------------------------

    void halfConversion_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<quint16>("bits");
        QTest::addColumn<bool>("exact");   // halfToFloat(bits) gives `value` back

        const float inf = std::numeric_limits<float>::infinity();
        QTest::newRow("1.0") << 1.0f << quint16(0x3c00) << true;
        QTest::newRow("-2.5") << -2.5f << quint16(0xc100) << true;
        QTest::newRow("+0") << 0.0f << quint16(0x0000) << true;
        QTest::newRow("-0") << -0.0f << quint16(0x8000) << true;
        QTest::newRow("max 65504") << 65504.0f << quint16(0x7bff) << true;
        QTest::newRow("65519 rounds down to max") << 65519.0f << quint16(0x7bff) << false;
        QTest::newRow("65520 ties to inf") << 65520.0f << quint16(0x7c00) << false;
        QTest::newRow("1e9 overflows to inf") << 1e9f << quint16(0x7c00) << false;
        QTest::newRow("-1e9 overflows to -inf") << -1e9f << quint16(0xfc00) << false;
        QTest::newRow("+inf") << inf << quint16(0x7c00) << true;
        QTest::newRow("-inf") << -inf << quint16(0xfc00) << true;
        QTest::newRow("smallest normal 2^-14") << std::ldexp(1.0f, -14) << quint16(0x0400) << true;
        QTest::newRow("smallest subnormal 2^-24") << std::ldexp(1.0f, -24) << quint16(0x0001) << true;
        QTest::newRow("largest subnormal") << std::ldexp(1023.0f, -24) << quint16(0x03ff) << true;
        QTest::newRow("-subnormal") << std::ldexp(-5.0f, -24) << quint16(0x8005) << true;
        QTest::newRow("1e-7 subnormal") << 1e-7f << quint16(0x0002) << false;
        QTest::newRow("1e-8 underflows to 0") << 1e-8f << quint16(0x0000) << false;
        QTest::newRow("2^-25 ties to even 0") << std::ldexp(1.0f, -25) << quint16(0x0000) << false;
        QTest::newRow("just above 2^-25 rounds up") << std::ldexp(1.0f + 1.0f / 1024, -25) << quint16(0x0001) << false;
        QTest::newRow("1.5*2^-24 ties to even 2") << std::ldexp(3.0f, -25) << quint16(0x0002) << false;
        QTest::newRow("2.5*2^-24 ties to even 2") << std::ldexp(5.0f, -25) << quint16(0x0002) << false;
        QTest::newRow("subnormal tie carries to normal") << std::ldexp(2047.0f, -25) << quint16(0x0400) << false;
        QTest::newRow("1+2^-11 ties down to even") << 1.0f + std::ldexp(1.0f, -11) << quint16(0x3c00) << false;
        QTest::newRow("1+3*2^-11 ties up to even") << 1.0f + std::ldexp(3.0f, -11) << quint16(0x3c02) << false;
        QTest::newRow("just above tie rounds up") << 1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)
                                                  << quint16(0x3c01) << false;
        QTest::newRow("mantissa carry bumps exponent") << 2.0f - std::ldexp(1.0f, -12) << quint16(0x4000) << false;
    }

    void halfConversion()
    {
        QFETCH(float, value);
        QFETCH(quint16, bits);
        QFETCH(bool, exact);
        QCOMPARE(floatToHalf(value), bits);
        if (exact) {
            const float back = halfToFloat(bits);
            QCOMPARE(std::bit_cast<std::uint32_t>(back), std::bit_cast<std::uint32_t>(value));
        }
    }

    void bfloat16Conversion_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<quint16>("bits");
        QTest::addColumn<bool>("exact");

        const float inf = std::numeric_limits<float>::infinity();
        QTest::newRow("1.0") << 1.0f << quint16(0x3f80) << true;
        QTest::newRow("-2.5") << -2.5f << quint16(0xc020) << true;
        QTest::newRow("-0") << -0.0f << quint16(0x8000) << true;
        QTest::newRow("0x7f80 is +inf") << inf << quint16(0x7f80) << true;
        QTest::newRow("-inf") << -inf << quint16(0xff80) << true;
        QTest::newRow("65504 rounds to 65536") << 65504.0f << quint16(0x4780) << false;
        QTest::newRow("max bfloat16") << floatFromBits(0x7f7f0000u) << quint16(0x7f7f) << true;
        QTest::newRow("FLT_MAX rounds to inf") << std::numeric_limits<float>::max() << quint16(0x7f80) << false;
        QTest::newRow("bfloat16 subnormal") << floatFromBits(0x00010000u) << quint16(0x0001) << true;
        QTest::newRow("float denorm_min rounds to 0") << std::numeric_limits<float>::denorm_min() << quint16(0x0000)
                                                      << false;
        QTest::newRow("1+2^-8 ties down to even") << 1.0f + std::ldexp(1.0f, -8) << quint16(0x3f80) << false;
        QTest::newRow("1+3*2^-8 ties up to even") << 1.0f + std::ldexp(3.0f, -8) << quint16(0x3f82) << false;
        QTest::newRow("just above tie rounds up") << 1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)
                                                  << quint16(0x3f81) << false;
    }

    void bfloat16Conversion()
    {
        QFETCH(float, value);
        QFETCH(quint16, bits);
        QFETCH(bool, exact);
        QCOMPARE(floatToBfloat16(value), bits);
        if (exact)
            QCOMPARE(std::bit_cast<std::uint32_t>(bfloat16ToFloat(bits)), std::bit_cast<std::uint32_t>(value));
    }

    void nanStaysNan()
    {
        const float quiet = std::numeric_limits<float>::quiet_NaN();
        const float lowPayload = floatFromBits(0x7f800001u);   // truncation alone would give Inf
        for (const float nan : {quiet, -quiet, lowPayload}) {
            const std::uint16_t h = floatToHalf(nan);
            QVERIFY((h & 0x7c00u) == 0x7c00u && (h & 0x03ffu) != 0);
            const std::uint16_t b = floatToBfloat16(nan);
            QVERIFY((b & 0x7f80u) == 0x7f80u && (b & 0x007fu) != 0);
        }
        QVERIFY(std::isnan(halfToFloat(0x7e00)));
        QVERIFY(std::isnan(halfToFloat(0x7c01)));   // signalling NaN stays NaN, not Inf
        QVERIFY(std::isnan(bfloat16ToFloat(0x7fc0)));
        QVERIFY(std::isnan(bfloat16ToFloat(0xff81)));
    }

    // Every 16-bit pattern survives the trip through float unchanged (NaNs at least stay NaN).
    void exhaustiveRoundTrip()
    {
        for (std::uint32_t bits = 0; bits <= 0xffffu; ++bits) {
            const auto h = static_cast<std::uint16_t>(bits);
            const bool halfNan = (h & 0x7c00u) == 0x7c00u && (h & 0x03ffu) != 0;
            if (halfNan)
                QVERIFY(std::isnan(halfToFloat(h)));
            else if (floatToHalf(halfToFloat(h)) != h)
                QFAIL(qPrintable(QString("half 0x%1 does not round-trip").arg(bits, 4, 16, QChar('0'))));

            const bool bfNan = (h & 0x7f80u) == 0x7f80u && (h & 0x007fu) != 0;
            if (bfNan)
                QVERIFY(std::isnan(bfloat16ToFloat(h)));
            else if (floatToBfloat16(bfloat16ToFloat(h)) != h)
                QFAIL(qPrintable(QString("bfloat16 0x%1 does not round-trip").arg(bits, 4, 16, QChar('0'))));
        }
    }

    // --- round trips ------------------------------------------------------------------------------

    void roundTrip_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<QList<qint64>>("shape");
        QTest::newRow("F32 matrix") << int(DType::F32) << QList<qint64>{5, 6};
        QTest::newRow("F16 3-d") << int(DType::F16) << QList<qint64>{2, 3, 7};
        QTest::newRow("BF16 vector") << int(DType::BF16) << QList<qint64>{33};
        QTest::newRow("F16 odd size packs the next tensor") << int(DType::F16) << QList<qint64>{3};
        QTest::newRow("F32 scalar") << int(DType::F32) << QList<qint64>{};
        QTest::newRow("BF16 empty") << int(DType::BF16) << QList<qint64>{0, 4};
    }

    void roundTrip()
    {
        QFETCH(int, dtype);
        QFETCH(QList<qint64>, shape);
        const QString dir = scratch("roundtrip-" + tagAsFileName());
        const auto path = toPath(dir + "/model.safetensors");

        // A second tensor after the first checks that offsets are packed correctly.
        const std::vector<TensorData> tensors{
            makeTensor("z.after", DType::F32, {2}, 7.0f),
            makeTensor("a.weight", DType(dtype), std::vector<std::int64_t>(shape.begin(), shape.end())),
        };
        const std::map<std::string, std::string> metadata{{"format", "pt"}, {"note", "round trip"}};
        writeSafetensors(path, tensors, metadata);
        QVERIFY(!std::filesystem::exists(toPath(dir + "/model.safetensors.tmp")));

        const auto file = SafetensorsFile::open(path);
        QCOMPARE(file->path(), path);
        QCOMPARE(file->tensors().size(), std::size_t(2));
        QVERIFY(file->metadata() == metadata);
        for (const TensorData &expected : tensors) {
            const auto it = file->tensors().find(expected.name);
            QVERIFY(it != file->tensors().end());
            const TensorView &view = it->second;
            QCOMPARE(view.name, expected.name);
            QCOMPARE(view.dtype, expected.dtype);
            QVERIFY(view.shape == expected.shape);
            QCOMPARE(view.file, path);
            QCOMPARE(static_cast<std::size_t>(view.numel()) * dtypeSize(view.dtype), expected.bytes.size());
            QVERIFY(sameBytes(view.data, expected.bytes));
        }

        // Layout of the reference writer: data section 8-byte aligned, tensors in name order.
        QFile raw(dir + "/model.safetensors");
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray bytes = raw.readAll();
        const auto header = parseSafetensorsHeader(std::as_bytes(std::span(bytes.constData(), bytes.size())), "raw");
        QCOMPARE(header.dataOffset % 8, std::size_t(0));
        QCOMPARE(header.entries.at("a.weight").begin, std::uint64_t(0));
        QCOMPARE(header.entries.at("z.after").begin, header.entries.at("a.weight").end);
        QCOMPARE(header.dataOffset + header.entries.at("z.after").end, std::size_t(bytes.size()));
    }

    void halfValuesSurviveTheFile()
    {
        const QString dir = scratch("half-values");
        const auto path = toPath(dir + "/values.safetensors");
        const std::vector<float> values{1.0f, -2.5f, 65504.0f, std::ldexp(1.0f, -24), 0.0f, -0.0f};
        TensorData half{"half", DType::F16, {std::int64_t(values.size())}, {}};
        TensorData brain{"brain", DType::BF16, {std::int64_t(values.size())}, {}};
        for (const float v : values) {
            const std::uint16_t h = floatToHalf(v), b = floatToBfloat16(v);
            half.bytes.insert(half.bytes.end(), {std::byte(h & 0xff), std::byte(h >> 8)});
            brain.bytes.insert(brain.bytes.end(), {std::byte(b & 0xff), std::byte(b >> 8)});
        }
        writeSafetensors(path, {half, brain});
        const WeightStore store = WeightStore::openFile(path);
        const auto readHalf = store.at("half").data;
        for (std::size_t i = 0; i < values.size(); ++i) {
            std::uint16_t bits = 0;
            std::memcpy(&bits, readHalf.data() + 2 * i, 2);
            QCOMPARE(halfToFloat(bits), values[i]);
        }
        QCOMPARE(bfloat16ToFloat(0x3f80), 1.0f);
    }

    void emptyFileRoundTrip()
    {
        const QString dir = scratch("empty-checkpoint");
        const auto path = toPath(dir + "/model.safetensors");
        writeSafetensors(path, {});
        const auto file = SafetensorsFile::open(path);
        QVERIFY(file->tensors().empty());
        QVERIFY(file->metadata().empty());
    }

    void shardedRoundTrip()
    {
        const QString dir = scratch("sharded");
        const std::vector<std::vector<TensorData>> shards{
            {makeTensor("vision.patch.weight", DType::F32, {4, 3}, 1), makeTensor("vision.norm", DType::F32, {4}, 2)},
            {makeTensor("llm.embed", DType::BF16, {10, 4}, 3), makeTensor("llm.layers.0.q", DType::F16, {4, 4}, 4)},
            {makeTensor("llm.layers.0.k", DType::F16, {2, 4}, 5), makeTensor("lm_head", DType::BF16, {10, 4}, 6),
             makeTensor("llm.norm", DType::F32, {4}, 7)},
        };
        QByteArray weightMap;
        for (std::size_t s = 0; s < shards.size(); ++s) {
            const QString shardName = QString("model-%1-of-00003.safetensors").arg(s + 1, 5, 10, QChar('0'));
            writeSafetensors(toPath(dir + "/" + shardName), shards[s], {{"format", "pt"}});
            for (const TensorData &t : shards[s])
                weightMap += (weightMap.isEmpty() ? "" : ",") + QByteArray("\"") + t.name.c_str() + "\":\""
                             + shardName.toUtf8() + "\"";
        }
        writeRaw(dir + "/model.safetensors.index.json",
                 "{\"metadata\":{\"total_size\":1234},\"weight_map\":{" + weightMap + "}}");

        const WeightStore store = WeightStore::openDirectory(toPath(dir));
        QCOMPARE(store.source(), toPath(dir));
        const std::vector<std::string> names = store.names();
        QCOMPARE(names.size(), std::size_t(7));
        QVERIFY(std::is_sorted(names.begin(), names.end()));
        for (std::size_t s = 0; s < shards.size(); ++s) {
            for (const TensorData &expected : shards[s]) {
                QVERIFY(store.contains(expected.name));
                const TensorView &view = store.at(expected.name);
                QCOMPARE(view.dtype, expected.dtype);
                QVERIFY(view.shape == expected.shape);
                QVERIFY(sameBytes(view.data, expected.bytes));
                QVERIFY(view.file.filename().string().starts_with("model-0000" + std::to_string(s + 1)));
            }
        }
        QVERIFY(!store.contains("missing"));
        const auto error = errorFrom([&] { store.at("missing"); });
        QVERIFY(error);
        QVERIFY2(error->contains("sharded") && error->contains("no tensor named 'missing'"), qPrintable(*error));

        // Views stay valid in a copy of the store after the original is gone.
        std::optional<WeightStore> copy;
        {
            const WeightStore original = WeightStore::openDirectory(toPath(dir));
            copy = original;
        }
        QVERIFY(sameBytes(copy->at("lm_head").data, shards[2][1].bytes));
    }

    void directoryWithSingleFile()
    {
        const QString dir = scratch("single");
        const auto tensor = makeTensor("only", DType::F16, {3, 2});
        writeSafetensors(toPath(dir + "/model.safetensors"), {tensor});
        const WeightStore store = WeightStore::openDirectory(toPath(dir));
        QCOMPARE(store.source(), toPath(dir));
        QVERIFY(store.names() == std::vector<std::string>{"only"});
        QVERIFY(sameBytes(store.at("only").data, tensor.bytes));
    }

    void directoryPrefersIndex()
    {
        const QString dir = scratch("prefers-index");
        writeSafetensors(toPath(dir + "/model.safetensors"), {makeTensor("from.single", DType::F32, {1})});
        writeSafetensors(toPath(dir + "/shard.safetensors"), {makeTensor("from.shard", DType::F32, {1})});
        writeRaw(dir + "/model.safetensors.index.json", R"({"weight_map":{"from.shard":"shard.safetensors"}})");
        const WeightStore store = WeightStore::openDirectory(toPath(dir));
        QVERIFY(store.names() == std::vector<std::string>{"from.shard"});
    }

    // Valid but unusual files the reader must accept.
    void acceptsUnusualValidHeaders()
    {
        const QString dir = scratch("unusual");
        // Trailing spaces (reference padding), a gap before a tensor, empty tensors sharing an
        // offset, unknown extra entry fields, and a data section longer than needed.
        const QByteArray json = R"({"__metadata__":{"k":"v"},)"
                                R"("gap":{"dtype":"F16","shape":[2],"data_offsets":[8,12],"extra":1},)"
                                R"("empty1":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                R"("empty2":{"dtype":"BF16","shape":[3,0],"data_offsets":[4,4]},)"
                                R"("first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}     )";
        writeRaw(dir + "/ok.safetensors", safetensorsBytes(json, 16));
        const auto file = SafetensorsFile::open(toPath(dir + "/ok.safetensors"));
        QCOMPARE(file->tensors().size(), std::size_t(4));
        QCOMPARE(file->tensors().at("gap").data.size(), std::size_t(4));
        QCOMPARE(file->tensors().at("empty2").numel(), std::int64_t(0));
        QCOMPARE(file->metadata().at("k"), std::string("v"));
    }

    // --- writer errors ----------------------------------------------------------------------------

    void writerRejectsBadTensors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("size mismatch") << 0 << "has 12 bytes but F32 shape [2, 2] needs 16";
        QTest::newRow("negative dimension") << 1 << "invalid shape [-1, 2]";
        QTest::newRow("duplicate name") << 2 << "'twice' is given twice";
        QTest::newRow("reserved name") << 3 << "'__metadata__' is reserved";
    }

    void writerRejectsBadTensors()
    {
        QFETCH(int, which);
        QFETCH(QString, phrase);
        const QString dir = scratch("writer-" + tagAsFileName());
        const auto path = toPath(dir + "/bad-input.safetensors");
        std::vector<TensorData> tensors{makeTensor("fine", DType::F32, {2})};
        switch (which) {
        case 0: tensors.push_back({"short", DType::F32, {2, 2}, std::vector<std::byte>(12)}); break;
        case 1: tensors.push_back({"negative", DType::F16, {-1, 2}, {}}); break;
        case 2: tensors.push_back(makeTensor("twice", DType::F32, {1})); tensors.push_back(makeTensor("twice", DType::F32, {1})); break;
        case 3: tensors.push_back(makeTensor("__metadata__", DType::F32, {1})); break;
        }
        const auto error = errorFrom([&] { writeSafetensors(path, tensors); });
        QVERIFY(error);
        QVERIFY2(error->contains("bad-input.safetensors") && error->contains(phrase), qPrintable(*error));
        QVERIFY(QDir(dir).isEmpty());   // neither the file nor its temporary
    }

    void writerReportsIoErrors()
    {
        const QString dir = scratch("writer-io");
        const auto path = toPath(dir + "/no-such-dir/out.safetensors");
        const auto error = errorFrom([&] { writeSafetensors(path, {makeTensor("t", DType::F32, {1})}); });
        QVERIFY(error);
        QVERIFY2(error->contains("out.safetensors") && error->contains("cannot create"), qPrintable(*error));
    }

    // --- malformed single files -------------------------------------------------------------------

    void badFile_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("phrase");

        const auto entry = [](const char *name, const char *dtype, const char *shape, const char *offsets) {
            return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                   + ",\"data_offsets\":" + offsets + "}";
        };
        const QByteArray validA = entry("a", "F32", "[4]", "[0,16]");

        QTest::newRow("empty file") << QByteArray() << "too short";
        QTest::newRow("shorter than the length field") << QByteArray("abc") << "too short";
        QTest::newRow("header length zero") << withLength(0, "{}") << "header length is 0";
        QTest::newRow("header length huge") << withLength(quint64(1) << 62, "{}       ")
                                            << "header length 4611686018427387904 exceeds the limit";
        QTest::newRow("header length just over the cap") << withLength(100'000'001, "{}") << "exceeds the limit";
        QTest::newRow("truncated header") << withLength(200, "{" + validA) << "extends past the end of the file";
        QTest::newRow("truncated in the data section")
            << safetensorsBytes("{" + validA + "}", 16).chopped(3)
            << "data_offsets [0, 16] extend beyond the data section (13 bytes)";
        QTest::newRow("invalid JSON") << safetensorsBytes("{\"a\": [1, 2") << "header is not valid JSON";
        QTest::newRow("invalid UTF-8 in a name") << safetensorsBytes("{\"\xff\xfe\": {}}") << "not valid JSON";
        QTest::newRow("header is an array") << safetensorsBytes("[1, 2, 3]") << "header is a JSON array, not an object";
        QTest::newRow("entry is not an object") << safetensorsBytes("{\"a\": 5}") << "tensor 'a' is a number, not an object";
        QTest::newRow("missing dtype") << safetensorsBytes(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", 4)
                                       << "tensor 'a' has no dtype";
        QTest::newRow("dtype not a string")
            << safetensorsBytes(R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", 4) << "dtype that is not a string";
        QTest::newRow("unknown dtype") << safetensorsBytes("{" + entry("w", "I64", "[1]", "[0,8]") + "}", 8)
                                       << "tensor 'w' has dtype I64; supported: F32, F16, BF16";
        QTest::newRow("missing shape") << safetensorsBytes(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", 4)
                                       << "tensor 'a' has no shape";
        QTest::newRow("shape not an array") << safetensorsBytes("{" + entry("a", "F32", "4", "[0,16]") + "}", 16)
                                            << "shape that is not an array";
        QTest::newRow("fractional dimension") << safetensorsBytes("{" + entry("a", "F32", "[1.5]", "[0,4]") + "}", 4)
                                              << "shape entry that is not a 64-bit integer: 1.5";
        QTest::newRow("dimension beyond int64") << safetensorsBytes("{" + entry("a", "F32", "[18446744073709551615]", "[0,4]") + "}", 4)
                                                << "not a 64-bit integer";
        QTest::newRow("negative dimension") << safetensorsBytes("{" + entry("a", "F32", "[2,-3]", "[0,24]") + "}", 24)
                                            << "tensor 'a' has negative dimension -3 in shape [2, -3]";
        QTest::newRow("element count overflows")
            << safetensorsBytes("{" + entry("a", "F32", "[4294967296,4294967296]", "[0,0]") + "}")
            << "shape [4294967296, 4294967296] has too many elements";
        QTest::newRow("missing data_offsets") << safetensorsBytes(R"({"a":{"dtype":"F32","shape":[1]}})", 4)
                                              << "tensor 'a' has no data_offsets";
        QTest::newRow("three data_offsets") << safetensorsBytes("{" + entry("a", "F32", "[1]", "[0,4,8]") + "}", 8)
                                            << "data_offsets [0,4,8]; expected [begin, end]";
        QTest::newRow("negative offset") << safetensorsBytes("{" + entry("a", "F32", "[1]", "[-4,0]") + "}", 4)
                                         << "expected [begin, end] as non-negative integers";
        QTest::newRow("wrong shape") << safetensorsBytes("{" + entry("x.weight", "F32", "[5,6]", "[0,100]") + "}", 100)
                                     << "tensor 'x.weight' data_offsets [0, 100] do not match F32 shape [5, 6] (120 bytes)";
        QTest::newRow("begin after end") << safetensorsBytes("{" + entry("a", "F16", "[2]", "[8,4]") + "}", 8)
                                         << "tensor 'a' has data_offsets [8, 4] with begin after end";
        QTest::newRow("offsets beyond the file") << safetensorsBytes("{" + entry("a", "F32", "[100]", "[0,400]") + "}", 16)
                                                 << "data_offsets [0, 400] extend beyond the data section (16 bytes)";
        QTest::newRow("overlapping tensors")
            << safetensorsBytes("{" + validA + "," + entry("b", "F32", "[4]", "[8,24]") + "}", 24)
            << "tensors 'a' and 'b' overlap";
        QTest::newRow("tensor inside another")
            << safetensorsBytes("{" + entry("big", "F32", "[8]", "[0,32]") + "," + entry("small", "F16", "[2]", "[4,8]") + "}", 32)
            << "tensors 'big' and 'small' overlap";
        QTest::newRow("duplicate tensor name") << safetensorsBytes("{" + validA + "," + validA + "}", 16)
                                               << "header lists 'a' twice";
        QTest::newRow("metadata not an object") << safetensorsBytes(R"({"__metadata__":[1]})")
                                                << "__metadata__ is not an object of strings";
        QTest::newRow("metadata value not a string") << safetensorsBytes(R"({"__metadata__":{"k":1}})")
                                                     << "__metadata__ value for 'k' is a number, not a string";
        QTest::newRow("absurd nesting")
            << safetensorsBytes("{\"a\":" + QByteArray(100000, '[') + QByteArray(100000, ']') + "}")
            << "nested more than";
    }

    void badFile()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, phrase);
        const QString name = tagAsFileName() + ".safetensors";
        const QString path = scratch("bad-files") + "/" + name;
        writeRaw(path, bytes);

        const auto viaFile = errorFrom([&] { SafetensorsFile::open(toPath(path)); });
        QVERIFY2(viaFile, "no error");
        QVERIFY2(viaFile->contains(name) && viaFile->contains(phrase), qPrintable(*viaFile));

        const auto viaStore = errorFrom([&] { WeightStore::openFile(toPath(path)); });
        QVERIFY2(viaStore && viaStore->contains(name) && viaStore->contains(phrase), qPrintable(viaStore.value_or("")));

        // The span parser (what the fuzzer drives) reports the same problem under any source name.
        const auto viaSpan = errorFrom([&] {
            parseSafetensorsHeader(std::as_bytes(std::span(bytes.constData(), bytes.size())), "in-memory");
        });
        QVERIFY2(viaSpan && viaSpan->startsWith("in-memory: ") && viaSpan->contains(phrase),
                 qPrintable(viaSpan.value_or("")));
    }

    // Every proper prefix of a valid file is rejected with an Error, never read out of bounds.
    void everyTruncationIsRejected()
    {
        const QString dir = scratch("truncations");
        const QString path = dir + "/whole.safetensors";
        writeSafetensors(toPath(path), {makeTensor("a", DType::F16, {3}), makeTensor("b", DType::BF16, {2, 2})},
                         {{"format", "pt"}});
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray whole = file.readAll();
        for (qsizetype length = 0; length < whole.size(); ++length) {
            const auto prefix = std::as_bytes(std::span(whole.constData(), static_cast<std::size_t>(length)));
            const auto error = errorFrom([&] { parseSafetensorsHeader(prefix, "prefix"); });
            QVERIFY2(error, qPrintable(QString("prefix of %1 bytes was accepted").arg(length)));
        }
        QVERIFY(!errorFrom([&] { parseSafetensorsHeader(std::as_bytes(std::span(whole.constData(), whole.size())), "whole"); }));
    }

    // --- malformed checkpoint directories ---------------------------------------------------------

    void badDirectory_data()
    {
        QTest::addColumn<QByteArray>("index");          // null: no index file
        QTest::addColumn<ShardContents>("shards");      // written as valid files
        QTest::addColumn<RawFiles>("rawFiles");         // written verbatim
        QTest::addColumn<QString>("expectedFile");      // must appear in the message
        QTest::addColumn<QString>("phrase");

        const QString index = "model.safetensors.index.json";
        const auto map = [](const char *json) { return QByteArray(R"({"weight_map":)") + json + "}"; };

        QTest::newRow("missing model.safetensors")
            << QByteArray() << ShardContents{} << RawFiles{} << "missing-model-safetensors"
            << "contains neither model.safetensors.index.json nor model.safetensors";
        QTest::newRow("index names a missing shard")
            << map(R"({"a":"s1.safetensors","b":"s2.safetensors"})") << ShardContents{{"s1.safetensors", {"a"}}}
            << RawFiles{} << index << "shard 's2.safetensors' for tensor 'b' does not exist";
        QTest::newRow("tensor absent from its shard")
            << map(R"({"a":"s1.safetensors","b":"s1.safetensors"})") << ShardContents{{"s1.safetensors", {"a"}}}
            << RawFiles{} << index << "tensor 'b' listed in the index is missing from shard 's1.safetensors'";
        QTest::newRow("tensor duplicated across shards")
            << map(R"({"a":"s1.safetensors","b":"s2.safetensors"})")
            << ShardContents{{"s1.safetensors", {"a"}}, {"s2.safetensors", {"a", "b"}}} << RawFiles{} << index
            << "tensor 'a' is present in both shard 's1.safetensors' and shard 's2.safetensors'";
        QTest::newRow("tensor missing from the index")
            << map(R"({"a":"s1.safetensors"})") << ShardContents{{"s1.safetensors", {"a", "stray"}}} << RawFiles{}
            << index << "shard 's1.safetensors' contains tensor 'stray', which the index does not list";
        QTest::newRow("tensor listed under the wrong shard")
            << map(R"({"a":"s2.safetensors","b":"s1.safetensors"})")
            << ShardContents{{"s1.safetensors", {"a"}}, {"s2.safetensors", {"b"}}} << RawFiles{} << index
            << "tensor 'a' is listed under shard 's2.safetensors' but stored in shard 's1.safetensors'";
        QTest::newRow("shard path escapes with ..")
            << map(R"({"a":"../outside.safetensors"})") << ShardContents{}
            << RawFiles{{"../outside.safetensors", safetensorsBytes("{}")}} << index
            << "shard '../outside.safetensors' for tensor 'a' escapes the checkpoint directory";
        QTest::newRow("shard path escapes inside a subdirectory")
            << map(R"({"a":"sub/../../outside.safetensors"})") << ShardContents{} << RawFiles{} << index
            << "escapes the checkpoint directory";
        QTest::newRow("absolute shard path") << map(R"({"a":"/etc/passwd"})") << ShardContents{} << RawFiles{}
                                             << index << "shard '/etc/passwd' for tensor 'a' escapes";
        QTest::newRow("index is not JSON") << QByteArray("{\"weight_map\": {") << ShardContents{} << RawFiles{}
                                           << index << "is not valid JSON";
        QTest::newRow("index without weight_map") << QByteArray(R"({"metadata":{}})") << ShardContents{}
                                                  << RawFiles{} << index << "has no weight_map object";
        QTest::newRow("weight_map value not a string") << map(R"({"a":1})") << ShardContents{} << RawFiles{}
                                                       << index << "weight_map entry for 'a' is a number";
        QTest::newRow("empty weight_map") << map("{}") << ShardContents{} << RawFiles{} << index
                                          << "weight_map lists no tensors";
        QTest::newRow("corrupt shard") << map(R"({"a":"s1.safetensors"})") << ShardContents{}
                                       << RawFiles{{"s1.safetensors", withLength(0, "{}")}} << "s1.safetensors"
                                       << "header length is 0";
        QTest::newRow("corrupt single file") << QByteArray() << ShardContents{}
                                             << RawFiles{{"model.safetensors", safetensorsBytes("{\"a\":")}}
                                             << "model.safetensors" << "header is not valid JSON";
    }

    void badDirectory()
    {
        QFETCH(QByteArray, index);
        QFETCH(ShardContents, shards);
        QFETCH(RawFiles, rawFiles);
        QFETCH(QString, expectedFile);
        QFETCH(QString, phrase);

        const QString dir = scratch("dirs/" + tagAsFileName());
        if (!index.isNull())
            writeRaw(dir + "/model.safetensors.index.json", index);
        for (auto it = shards.cbegin(); it != shards.cend(); ++it) {
            std::vector<TensorData> tensors;
            for (const QString &name : it.value())
                tensors.push_back(makeTensor(name.toStdString(), DType::F32, {2}));
            writeSafetensors(toPath(dir + "/" + it.key()), tensors);
        }
        for (auto it = rawFiles.cbegin(); it != rawFiles.cend(); ++it)
            writeRaw(dir + "/" + it.key(), it.value());

        const auto error = errorFrom([&] { WeightStore::openDirectory(toPath(dir)); });
        QVERIFY2(error, "no error");
        QVERIFY2(error->contains(expectedFile) && error->contains(phrase), qPrintable(*error));
    }

    void notADirectory()
    {
        const QString dir = scratch("not-a-directory");
        const auto error = errorFrom([&] { WeightStore::openDirectory(toPath(dir + "/nowhere")); });
        QVERIFY(error);
        QVERIFY2(error->contains("nowhere") && error->contains("is not a directory"), qPrintable(*error));
    }

    void missingFile()
    {
        const QString dir = scratch("missing-file");
        const auto error = errorFrom([&] { SafetensorsFile::open(toPath(dir + "/absent.safetensors")); });
        QVERIFY(error);
        QVERIFY2(error->contains("absent.safetensors") && error->contains("cannot open"), qPrintable(*error));
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
