// SPDX-License-Identifier: MIT
// Image decoding: round trips, colour conversions (checked against PNG/BMP/PPM files written by
// hand here, not by OpenCV), and one row per bad input that must fail with a clear Error.
#include "common/error.h"
#include "image/encode.h"
#include "image/image.h"
#include "png_writer.h"

#include <QtTest>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace tokenscope;
using namespace tokenscope::test;

namespace {

// --- tiny independent writers (PNG: png_writer.h) --------------------------------------------

// 24-bit bottom-up BMP from RGB pixels.
QByteArray makeBmp(int width, int height, const QByteArray &rgb)
{
    const int stride = (width * 3 + 3) / 4 * 4;
    QByteArray rows;
    for (int y = height - 1; y >= 0; --y) {
        QByteArray row;
        for (int x = 0; x < width; ++x) {
            const char *p = rgb.constData() + (y * width + x) * 3;
            row += bytesOf({p[2], p[1], p[0]}); // BMP stores BGR
        }
        rows += row.leftJustified(stride, '\0');
    }
    const QByteArray info = le32(40) + le32(quint32(width)) + le32(quint32(height)) + le16(1) + le16(24)
        + le32(0) + le32(quint32(rows.size())) + le32(2835) + le32(2835) + le32(0) + le32(0);
    return "BM" + le32(quint32(14 + 40 + rows.size())) + le32(0) + le32(14 + 40) + info + rows;
}

QByteArray noise(int size, quint32 seed)
{
    QByteArray bytes(size, '\0');
    for (char &c : bytes) {
        seed = seed * 1664525u + 1013904223u;
        c = char(seed >> 24);
    }
    return bytes;
}

RgbImage noiseImage(int width, int height, quint32 seed)
{
    const QByteArray bytes = noise(width * height * 3, seed);
    return {width, height, std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

RgbImage gradientImage(int width, int height)
{
    RgbImage image{width, height, {}};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.rgb.insert(image.rgb.end(), {std::uint8_t(x * 255 / width), std::uint8_t(y * 255 / height), 90});
    return image;
}

QByteArray toQByteArray(const std::vector<std::byte> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

QByteArray pngBytes(const RgbImage &image) { return toQByteArray(encodeImage(image, ImageEncoding::Png, "test")); }
QByteArray jpegBytes(const RgbImage &image) { return toQByteArray(encodeImage(image, ImageEncoding::Jpeg, "test")); }

QByteArray withJpegSize(QByteArray jpeg, int width, int height)
{
    const qsizetype sof = jpeg.indexOf(QByteArray("\xFF\xC0", 2)); // OpenCV writes baseline JPEG
    Q_ASSERT(sof > 0);
    jpeg.replace(sof + 5, 4, bytesOf({char(height >> 8), char(height), char(width >> 8), char(width)}));
    return jpeg;
}

} // namespace

class TestImage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pngRoundTrip();
    void jpegRoundTrip_data();
    void jpegRoundTrip();
    void handWrittenFormats_data();
    void handWrittenFormats();
    void writePngStoresRgbOrder();
    void badInput_data();
    void badInput();
    void badBytes();
    void writeFailures();

private:
    std::filesystem::path writeFile(const QString &name, const QByteArray &content);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestImage::initTestCase()
{
    const QString base = qEnvironmentVariable("TOKENSCOPE_TEST_TMP", QDir::tempPath());
    QVERIFY(QDir().mkpath(base));
    m_dir = std::make_unique<QTemporaryDir>(base + "/tst_image-XXXXXX");
    QVERIFY(m_dir->isValid());
}

std::filesystem::path TestImage::writeFile(const QString &name, const QByteArray &content)
{
    const std::filesystem::path path = m_dir->filePath(name).toStdString();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.constData(), content.size());
    return path;
}

void TestImage::pngRoundTrip()
{
    const RgbImage image = noiseImage(37, 23, 7);
    const std::filesystem::path path = m_dir->filePath("round-trip.png").toStdString();
    writePng(path, image);
    const RgbImage decoded = decodeImageFile(path);
    QCOMPARE(decoded.width, 37);
    QCOMPARE(decoded.height, 23);
    QVERIFY(decoded.rgb == image.rgb);
}

void TestImage::jpegRoundTrip_data()
{
    QTest::addColumn<QByteArray>("suffix");
    QTest::newRow("plain") << QByteArray();
    // Padding and trailing bytes after the end-of-image marker are common and harmless.
    QTest::newRow("zero padding after EOI") << QByteArray(64, '\0');
    QTest::newRow("trailing bytes after EOI") << QByteArray("trailer written by some camera");
}

void TestImage::jpegRoundTrip()
{
    QFETCH(QByteArray, suffix);
    const RgbImage image = gradientImage(64, 48);
    const auto path = writeFile("round-trip.jpg", jpegBytes(image) + suffix);
    const RgbImage decoded = decodeImageFile(path);
    QCOMPARE(decoded.width, 64);
    QCOMPARE(decoded.height, 48);
    QCOMPARE(decoded.rgb.size(), image.rgb.size());
    int worst = 0;
    for (std::size_t i = 0; i < image.rgb.size(); ++i)
        worst = std::max(worst, std::abs(int(decoded.rgb[i]) - int(image.rgb[i])));
    QVERIFY2(worst <= 12, qPrintable(QString("JPEG error %1").arg(worst))); // lossy, but close

    // A pure red JPEG stays red (channel order through encoder and decoder).
    const RgbImage red{8, 8, [] { std::vector<std::uint8_t> v; for (int i = 0; i < 64; ++i) v.insert(v.end(), {255, 0, 0}); return v; }()};
    const RgbImage redDecoded = decodeImageFile(writeFile("red.jpg", jpegBytes(red) + suffix));
    QVERIFY(redDecoded.rgb[0] >= 250 && redDecoded.rgb[1] <= 5 && redDecoded.rgb[2] <= 5);
}

void TestImage::handWrittenFormats_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QByteArray>("expected"); // two RGB pixels

    const QByteArray redGreen("\xFF\x00\x00\x00\xFF\x00", 6);
    // Pure red then pure green: a missing BGR->RGB swap would show blue first.
    QTest::newRow("PNG RGB 8-bit red, green") << makePng(2, 1, 8, 2, redGreen) << redGreen;
    QTest::newRow("PNG grey 8-bit") << makePng(2, 1, 8, 0, QByteArray("\x7B\x05", 2))
                                    << QByteArray("\x7B\x7B\x7B\x05\x05\x05", 6);
    QTest::newRow("PNG grey+alpha") << makePng(2, 1, 8, 4, QByteArray("\x40\x80\xC8\x00", 4))
                                    << QByteArray("\x40\x40\x40\xC8\xC8\xC8", 6);
    // Alpha is dropped without compositing, as PIL's convert("RGB") does.
    QTest::newRow("PNG RGBA") << makePng(2, 1, 8, 6, QByteArray("\x0A\x14\x1E\x28\xFF\x00\x00\x00", 8))
                              << QByteArray("\x0A\x14\x1E\xFF\x00\x00", 6);
    // 16-bit samples scale by 1/257: 0xABAB → 0xAB, 0x1212 → 0x12, 0xFFFF → 0xFF.
    QTest::newRow("PNG RGB 16-bit") << makePng(2, 1, 16, 2, QByteArray("\xAB\xAB\x12\x12\xFF\xFF\x00\x00\xFF\xFF\x00\x00", 12))
                                    << QByteArray("\xAB\x12\xFF\x00\xFF\x00", 6);
    QTest::newRow("PNG grey 16-bit") << makePng(2, 1, 16, 0, QByteArray("\x80\x80\xFF\xFF", 4))
                                     << QByteArray("\x80\x80\x80\xFF\xFF\xFF", 6);
    QTest::newRow("BMP 24-bit red, green") << makeBmp(2, 1, redGreen) << redGreen;
    QTest::newRow("PPM red, green") << QByteArray("P6\n2 1\n255\n") + redGreen << redGreen;
}

void TestImage::handWrittenFormats()
{
    QFETCH(QByteArray, file);
    QFETCH(QByteArray, expected);
    const RgbImage decoded = decodeImageFile(writeFile("hand-written.img", file));
    QCOMPARE(decoded.width, 2);
    QCOMPARE(decoded.height, 1);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(decoded.rgb.data()), qsizetype(decoded.rgb.size())), expected);
}

void TestImage::writePngStoresRgbOrder()
{
    // A 1x1 image: every PNG filter type leaves the single pixel's bytes unchanged, so the inflated
    // IDAT is [filter, R, G, B] whatever filter the encoder picked.
    const std::filesystem::path path = m_dir->filePath("one-red-pixel.png").toStdString();
    writePng(path, RgbImage{1, 1, {255, 0, 0}});
    QFile file(QString::fromStdString(path.string()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray png = file.readAll();
    QVERIFY(png.startsWith(QByteArray("\x89PNG\r\n\x1a\n", 8)));
    QCOMPARE(png.at(8 + 8 + 8), char(8));  // bit depth
    QCOMPARE(png.at(8 + 8 + 9), char(2));  // colour type RGB
    QByteArray idat;
    for (qsizetype pos = 8; pos + 12 <= png.size();) {
        const auto length = qFromBigEndian<quint32>(png.constData() + pos);
        if (png.mid(pos + 4, 4) == "IDAT")
            idat += png.mid(pos + 8, qsizetype(length));
        pos += 12 + qsizetype(length);
    }
    const QByteArray raw = qUncompress(be32(4) + idat);
    QCOMPARE(raw.size(), 4);
    QCOMPARE(raw.mid(1), QByteArray("\xFF\x00\x00", 3));
}

void TestImage::badInput_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<qint64>("maxFileBytes");
    QTest::addColumn<QString>("phrase");

    const qint64 pixels = ImageLimits{}.maxPixels;
    const qint64 bytes = qint64(ImageLimits{}.maxFileBytes);
    const QByteArray png = pngBytes(noiseImage(64, 64, 1));
    const QByteArray jpeg = jpegBytes(noiseImage(64, 64, 2));
    const QByteArray pngSignature("\x89PNG\r\n\x1a\n", 8);

    // Special names: "missing-file.png" is never written, "a-directory.png" is made a directory.
    QTest::newRow("missing file") << "missing-file.png" << QByteArray() << pixels << bytes << "file does not exist";
    QTest::newRow("directory") << "a-directory.png" << QByteArray() << pixels << bytes << "is a directory";
    QTest::newRow("empty file") << "empty.png" << QByteArray() << pixels << bytes << "file is empty";
    QTest::newRow("random bytes") << "random.bin" << noise(4096, 99).prepend("junk") << pixels << bytes
                                  << "not a recognised image";
    QTest::newRow("truncated PNG") << "truncated.png" << png.left(png.size() * 6 / 10) << pixels << bytes
                                   << "truncated";
    QTest::newRow("PNG without IEND") << "no-iend.png" << png.chopped(12) << pixels << bytes << "truncated";
    QTest::newRow("PNG signature only") << "signature.png" << pngSignature << pixels << bytes << "truncated";
    QTest::newRow("PNG with corrupt IDAT")
        << "bad-idat.png"
        << pngSignature + pngIhdr(16, 16, 8, 2) + pngChunk("IDAT", noise(200, 5)) + pngChunk("IEND", {})
        << pixels << bytes << "could not decode the PNG data";
    QTest::newRow("truncated JPEG") << "truncated.jpg" << jpeg.left(jpeg.size() * 6 / 10) << pixels << bytes
                                    << "truncated";
    QTest::newRow("JPEG cut inside its header") << "header-cut.jpg" << jpeg.left(20) << pixels << bytes
                                                << "truncated";
    QTest::newRow("truncated BMP") << "truncated.bmp" << makeBmp(40, 40, noise(40 * 40 * 3, 3)).left(2000)
                                   << pixels << bytes << "truncated";
    QTest::newRow("truncated WebP container")
        << "truncated.webp" << QByteArray("RIFF") + le32(5000) + "WEBPVP8 " + noise(100, 4) << pixels << bytes
        << "truncated";
    // Header sizes are checked before decoding, and before any CRC check (these CRCs are valid anyway).
    const QString huge = "image is 60000 x 60000 = 3600000000 pixels; the limit is 50000000";
    QTest::newRow("huge PNG header")
        << "huge.png" << pngSignature + pngIhdr(60000, 60000, 8, 2) + pngChunk("IDAT", qCompress(QByteArray(1, 0)).mid(4)) + pngChunk("IEND", {})
        << pixels << bytes << huge;
    QTest::newRow("huge JPEG header") << "huge.jpg" << withJpegSize(jpeg, 60000, 60000) << pixels << bytes << huge;
    QTest::newRow("huge BMP header") << "huge.bmp" << makeBmp(2, 2, QByteArray(12, 'x')).replace(18, 8, le32(60000) + le32(60000))
                                     << pixels << bytes << huge;
    // 2^32-1 per side: the pixel count overflows int64, the check must not. The height is patched
    // after the CRC was computed: the size check runs before anything looks at CRCs.
    QTest::newRow("PNG header at the 32-bit maximum")
        << "max32.png" << makePng(0xFFFFFFFFu, 1, 8, 2, QByteArray(3, 'x')).replace(20, 4, be32(0xFFFFFFFFu))
        << pixels << bytes << "4294967295 x 4294967295 = 18446744065119617025 pixels";
    QTest::newRow("zero-width PNG header") << "zero.png" << makePng(0, 1, 8, 2, {}) << pixels << bytes
                                           << "zero width or height (0 x 1)";
    QTest::newRow("zero-height JPEG header") << "zero.jpg" << withJpegSize(jpeg, 64, 0) << pixels << bytes
                                             << "zero width or height (64 x 0)";
    QTest::newRow("PNG over a small pixel limit") << "limit.png" << png << qint64(1000) << bytes
                                                  << "image is 64 x 64 = 4096 pixels; the limit is 1000";
    // PPM has no pre-parsed header: the limit is enforced after decoding.
    QTest::newRow("PPM over a small pixel limit") << "limit.ppm" << QByteArray("P6\n8 8\n255\n") + noise(192, 6)
                                                  << qint64(10) << bytes << "image is 8 x 8 = 64 pixels; the limit is 10";
    QTest::newRow("file over the byte limit") << "big.png" << png << pixels << qint64(1000)
                                              << QString("file is %1 bytes; the limit is 1000 bytes").arg(png.size());
}

void TestImage::badInput()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(qint64, maxPixels);
    QFETCH(qint64, maxFileBytes);
    QFETCH(QString, phrase);

    std::filesystem::path path = m_dir->filePath(fileName).toStdString();
    if (fileName == "a-directory.png")
        QVERIFY(QDir().mkpath(QString::fromStdString(path.string())));
    else if (fileName != "missing-file.png")
        path = writeFile(fileName, content);

    ImageLimits limits;
    limits.maxPixels = maxPixels;
    limits.maxFileBytes = std::uintmax_t(maxFileBytes);
    try {
        decodeImageFile(path, limits);
        QFAIL("expected tokenscope::Error");
    } catch (const Error &e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains(fileName), qPrintable(message));
        QVERIFY2(message.contains(phrase), qPrintable(message));
        QCOMPARE(QString::fromStdString(e.source()), QString::fromStdString(path.string()));
    }
}

void TestImage::badBytes()
{
    // In-memory decoding names the caller's source too.
    try {
        decodeImageBytes({}, "clipboard image");
        QFAIL("expected tokenscope::Error");
    } catch (const Error &e) {
        QCOMPARE(QString::fromStdString(e.source()), QString("clipboard image"));
        QVERIFY2(QString(e.what()).contains("no image data"), e.what());
    }
    const QByteArray png = pngBytes(noiseImage(4, 4, 8));
    const auto *data = reinterpret_cast<const std::byte *>(png.constData());
    const RgbImage ok = decodeImageBytes({data, std::size_t(png.size())}, "memory");
    QCOMPARE(ok.width, 4);
    QVERIFY_THROWS_EXCEPTION(Error, decodeImageBytes({data, std::size_t(png.size() - 20)}, "memory"));
}

void TestImage::writeFailures()
{
    const std::filesystem::path noDir = m_dir->filePath("no-such-dir/out.png").toStdString();
    try {
        writePng(noDir, RgbImage{1, 1, {1, 2, 3}});
        QFAIL("expected tokenscope::Error");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("no-such-dir/out.png"), e.what());
        QVERIFY2(QString(e.what()).contains("cannot write the file"), e.what());
    }
    try {
        writePng(m_dir->filePath("bad.png").toStdString(), RgbImage{2, 2, {1, 2, 3}});
        QFAIL("expected tokenscope::Error");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("bad.png"), e.what());
        QVERIFY2(QString(e.what()).contains("image buffer holds 3 bytes"), e.what());
    }
}

QTEST_APPLESS_MAIN(TestImage)
#include "tst_image.moc"
