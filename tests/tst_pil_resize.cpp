// SPDX-License-Identifier: MIT
// resizeBicubicPil against PIL's own Image.resize output (tests/data/resize, made by
// scripts/make-resize-fixtures.py with python3-pil): real photos and noise, shrinking (with PIL's
// antialiasing), enlarging, mixed, one-pixel and large-factor cases, within one grey level.
#include "common/error.h"
#include "image/image.h"
#include "image/pil_resize.h"
#include "test_support.h"

#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace tokenscope;

namespace {

std::filesystem::path fixtureDir()
{
    return std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "tests" / "data" / "resize";
}

// "WxH" -> {W, H}; {0, 0} when malformed.
QSize parseSize(const std::string &text)
{
    const QStringList parts = QString::fromStdString(text).split('x');
    if (parts.size() != 2)
        return {};
    return {parts[0].toInt(), parts[1].toInt()};
}

} // namespace

class TestPilResize : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesPil_data();
    void matchesPil();
    void sameSizeReturnsSameBytes();
    void flatColourStaysFlat();
    void invalidInput_data();
    void invalidInput();
};

void TestPilResize::matchesPil_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QSize>("sourceSize");
    QTest::addColumn<QSize>("targetSize");
    QTest::addColumn<QString>("expected");

    const std::filesystem::path manifestPath = fixtureDir() / "manifest.txt";
    std::ifstream manifest(manifestPath);
    QVERIFY2(manifest, qPrintable("cannot read " + test::qPath(manifestPath)));
    std::string line;
    int cases = 0;
    while (std::getline(manifest, line)) {
        if (line.empty() || line.front() == '#')
            continue;
        // <case> <input png> <source WxH> <target WxH> <expected png>
        std::istringstream fields(line);
        std::string name, input, source, target, expected;
        QVERIFY2(fields >> name >> input >> source >> target >> expected, qPrintable("bad manifest line: " + QString::fromStdString(line)));
        QTest::newRow(name.c_str()) << QString::fromStdString(input) << parseSize(source) << parseSize(target)
                                    << QString::fromStdString(expected);
        ++cases;
    }
    QVERIFY2(cases > 0, "the manifest lists no cases");
}

void TestPilResize::matchesPil()
{
    QFETCH(QString, input);
    QFETCH(QSize, sourceSize);
    QFETCH(QSize, targetSize);
    QFETCH(QString, expected);

    const RgbImage source = decodeImageFile(fixtureDir() / input.toStdString());
    const RgbImage reference = decodeImageFile(fixtureDir() / expected.toStdString());
    QCOMPARE(QSize(source.width, source.height), sourceSize);
    QCOMPARE(QSize(reference.width, reference.height), targetSize);

    const RgbImage ours = resizeBicubicPil(source, targetSize.width(), targetSize.height());
    QCOMPARE(ours.width, reference.width);
    QCOMPARE(ours.height, reference.height);
    QCOMPARE(ours.rgb.size(), reference.rgb.size());

    int worst = 0;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < ours.rgb.size(); ++i) {
        const int difference = std::abs(int(ours.rgb[i]) - int(reference.rgb[i]));
        differing += difference != 0 ? 1 : 0;
        worst = std::max(worst, difference);
    }
    qInfo("%s: max |ours - PIL| = %d, %zu of %zu bytes differ", QTest::currentDataTag(), worst, differing,
          ours.rgb.size());
    QVERIFY2(worst <= 1, qPrintable(QString("max abs difference %1 > 1 (%2 bytes differ)").arg(worst).arg(differing)));
}

// PIL returns a copy when the size does not change; so must we (no filtering, no rounding).
void TestPilResize::sameSizeReturnsSameBytes()
{
    for (const auto &[width, height] : {std::pair{61, 47}, std::pair{1, 1}, std::pair{448, 3}}) {
        const RgbImage source = test::noiseImage(width, height, 7u);
        const RgbImage same = resizeBicubicPil(source, width, height);
        QCOMPARE(same.width, width);
        QCOMPARE(same.height, height);
        QVERIFY(same.rgb == source.rgb);
    }
}

// The fixed-point weights of every output sum to one within rounding, so a flat image stays flat,
// whatever the direction and factor (a cheap check that holds without the fixtures).
void TestPilResize::flatColourStaysFlat()
{
    RgbImage flat{97, 53, {}};
    for (int i = 0; i < flat.width * flat.height; ++i)
        flat.rgb.insert(flat.rgb.end(), {std::uint8_t(255), std::uint8_t(128), std::uint8_t(1)});
    for (const auto &[width, height] : {std::pair{448, 448}, std::pair{5, 3}, std::pair{1, 200}, std::pair{97, 11}}) {
        const RgbImage resized = resizeBicubicPil(flat, width, height);
        QCOMPARE(resized.rgb.size(), std::size_t(width) * std::size_t(height) * 3);
        for (std::size_t i = 0; i < resized.rgb.size(); i += 3) {
            QCOMPARE(resized.rgb[i], std::uint8_t(255));
            QCOMPARE(resized.rgb[i + 1], std::uint8_t(128));
            QCOMPARE(resized.rgb[i + 2], std::uint8_t(1));
        }
    }
}

void TestPilResize::invalidInput_data()
{
    QTest::addColumn<int>("sourceWidth");
    QTest::addColumn<int>("sourceHeight");
    QTest::addColumn<int>("byteCount");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("zero width") << 4 << 4 << 48 << 0 << 10 << "target size must be positive";
    QTest::newRow("zero height") << 4 << 4 << 48 << 10 << 0 << "target size must be positive";
    QTest::newRow("negative width") << 4 << 4 << 48 << -1 << 5 << "target size must be positive";
    QTest::newRow("negative height") << 4 << 4 << 48 << 5 << -3 << "target size must be positive";
    QTest::newRow("empty source") << 0 << 0 << 0 << 5 << 5 << "source image is empty";
    QTest::newRow("bytes do not match size") << 4 << 4 << 5 << 5 << 5 << "do not match";
}

void TestPilResize::invalidInput()
{
    QFETCH(int, sourceWidth);
    QFETCH(int, sourceHeight);
    QFETCH(int, byteCount);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(QString, phrase);

    const RgbImage source{sourceWidth, sourceHeight, std::vector<std::uint8_t>(std::size_t(byteCount))};
    test::expectError([&] { resizeBicubicPil(source, width, height); }, {phrase, "bicubic resize"});
}

QTEST_GUILESS_MAIN(TestPilResize)
#include "tst_pil_resize.moc"
