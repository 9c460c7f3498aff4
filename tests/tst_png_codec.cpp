// SPDX-License-Identifier: MIT
// The libpng codec (image/png_codec.h), which builds without OpenCV's imgcodecs use for PNG:
// every colour type and depth decodes to the bytes the OpenCV path gives (where this build has
// imgcodecs, compared directly; the expected bytes are written out too), its own errors name the
// file, and what it encodes decodes back unchanged.

#include "common/error.h"
#include "image/encode.h"
#include "image/image.h"
#include "image/png_codec.h"
#include "png_writer.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace tokenscope;
using namespace tokenscope::test;

namespace {

std::span<const std::byte> asBytes(const QByteArray &data)
{
    return {reinterpret_cast<const std::byte *>(data.constData()), std::size_t(data.size())};
}

QByteArray rgbOf(const RgbImage &image)
{
    return QByteArray(reinterpret_cast<const char *>(image.rgb.data()), qsizetype(image.rgb.size()));
}

} // namespace

class TestPngCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodesLikeOpenCv_data();
    void decodesLikeOpenCv();
    void roundTrip();
    void badData_data();
    void badData();
    void otherFormatsWithoutImgcodecs();
};

void TestPngCodec::decodesLikeOpenCv_data()
{
    QTest::addColumn<QByteArray>("png");
    QTest::addColumn<QByteArray>("expected");   // two RGB pixels

    const QByteArray redGreen("\xFF\x00\x00\x00\xFF\x00", 6);
    QTest::newRow("RGB 8-bit") << makePng(2, 1, 8, 2, redGreen) << redGreen;
    QTest::newRow("grey 8-bit") << makePng(2, 1, 8, 0, QByteArray("\x7B\x05", 2)) << QByteArray("\x7B\x7B\x7B\x05\x05\x05", 6);
    QTest::newRow("grey+alpha") << makePng(2, 1, 8, 4, QByteArray("\x40\x80\xC8\x00", 4))
                                << QByteArray("\x40\x40\x40\xC8\xC8\xC8", 6);
    // Alpha is dropped, not composited (a zero alpha keeps its colour).
    QTest::newRow("RGBA") << makePng(2, 1, 8, 6, QByteArray("\x0A\x14\x1E\x28\xFF\x00\x00\x00", 8))
                          << QByteArray("\x0A\x14\x1E\xFF\x00\x00", 6);
    // 16-bit scales by 1/257 with rounding: 0xABAB -> 0xAB, 0x1280 -> round(18.43) = 0x12.
    QTest::newRow("RGB 16-bit") << makePng(2, 1, 16, 2, QByteArray("\xAB\xAB\x12\x80\xFF\xFF\x00\x00\xFF\xFF\x00\x00", 12))
                                << QByteArray("\xAB\x12\xFF\x00\xFF\x00", 6);
    QTest::newRow("grey 16-bit") << makePng(2, 1, 16, 0, QByteArray("\x80\x80\xFF\xFF", 4))
                                 << QByteArray("\x80\x80\x80\xFF\xFF\xFF", 6);
    // 1-bit grey: 0b10 in the top bits -> white, black.
    QTest::newRow("grey 1-bit") << makePng(2, 1, 1, 0, QByteArray("\x80", 1)) << QByteArray("\xFF\xFF\xFF\x00\x00\x00", 6);
    // A palette with a transparent entry: expanded to RGB, the transparency dropped.
    const QByteArray palette = pngChunk("PLTE", QByteArray("\x10\x20\x30\xC0\xB0\xA0", 6));
    QTest::newRow("palette") << makePng(2, 1, 8, 3, QByteArray("\x01\x00", 2), palette)
                             << QByteArray("\xC0\xB0\xA0\x10\x20\x30", 6);
    QTest::newRow("palette + tRNS") << makePng(2, 1, 8, 3, QByteArray("\x01\x00", 2), palette + pngChunk("tRNS", QByteArray("\x00", 1)))
                                    << QByteArray("\xC0\xB0\xA0\x10\x20\x30", 6);
}

void TestPngCodec::decodesLikeOpenCv()
{
    QFETCH(QByteArray, png);
    QFETCH(QByteArray, expected);
    const RgbImage ours = decodePng(asBytes(png), "hand-written.png", {});
    QCOMPARE(ours.width, 2);
    QCOMPARE(ours.height, 1);
    QCOMPARE(rgbOf(ours), expected);
    // decodeImageBytes is OpenCV's where this build has imgcodecs, ours where it does not.
    QCOMPARE(rgbOf(decodeImageBytes(asBytes(png), "hand-written.png")), expected);
}

void TestPngCodec::roundTrip()
{
    const RgbImage image = noiseImage(37, 23, 11);
    const std::vector<std::byte> png = encodePng(image, "round-trip.png");
    const QByteArray bytes(reinterpret_cast<const char *>(png.data()), qsizetype(png.size()));
    QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n"));
    // Read back by both decoders.
    QVERIFY(decodePng(asBytes(bytes), "round-trip.png", {}).rgb == image.rgb);
    QVERIFY(decodeImageBytes(asBytes(bytes), "round-trip.png").rgb == image.rgb);
}

void TestPngCodec::badData_data()
{
    QTest::addColumn<QByteArray>("png");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<QString>("phrase");
    const QByteArray good = makePng(4, 4, 8, 2, QByteArray(48, 'x'));
    const qint64 limit = ImageLimits{}.maxPixels;
    QTest::newRow("truncated") << good.left(good.size() - 20) << limit << "could not decode the PNG data";
    QTest::newRow("corrupt IDAT") << QByteArray("\x89PNG\r\n\x1a\n", 8) + pngIhdr(16, 16, 8, 2) + pngChunk("IDAT", QByteArray(200, '\x5a'))
                                         + pngChunk("IEND", {})
                                  << limit << "could not decode the PNG data";
    QTest::newRow("bad CRC") << QByteArray(good).replace(29, 1, "\x00") << limit << "could not decode the PNG data";
    QTest::newRow("over the pixel limit") << good << qint64(10) << "image is 4 x 4 pixels; the limit is 10";
}

void TestPngCodec::badData()
{
    QFETCH(QByteArray, png);
    QFETCH(qint64, maxPixels);
    QFETCH(QString, phrase);
    ImageLimits limits;
    limits.maxPixels = maxPixels;
    expectError([&] { decodePng(asBytes(png), "bad.png", limits); }, {"bad.png", phrase});
}

// Where OpenCV's imgcodecs is off (the cuda preset), anything but PNG is refused by name.
void TestPngCodec::otherFormatsWithoutImgcodecs()
{
#if TOKENSCOPE_IMAGE_CODECS
    QSKIP("this build decodes every format through OpenCV's imgcodecs");
#else
    expectError([&] { decodeImageBytes(asBytes(QByteArray("P6\n2 1\n255\n") + QByteArray(6, 'x')), "photo.ppm"); },
                {"photo.ppm", "reads PNG only"});
    expectError([&] { encodeImage(noiseImage(4, 4, 1), ImageEncoding::Jpeg, "out.jpg"); },
                {"out.jpg", "writes PNG only, not JPEG"});
#endif
}

QTEST_GUILESS_MAIN(TestPngCodec)
#include "tst_png_codec.moc"
