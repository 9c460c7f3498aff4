// SPDX-License-Identifier: MIT
// InternVL dynamic tiling: grid choice (with the reference's tie rule), tile order, source
// rectangles and ImageNet normalisation.
#include "common/error.h"
#include "image/image.h"
#include "test_support.h"

#include <QtTest>

#include <array>
#include <cmath>

using namespace tokenscope;

namespace {

RgbImage flatImage(int width, int height, std::array<std::uint8_t, 3> colour)
{
    RgbImage image{width, height, {}};
    image.rgb.reserve(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    for (int i = 0; i < width * height; ++i)
        image.rgb.insert(image.rgb.end(), colour.begin(), colour.end());
    return image;
}

float normalised(int value, int channel)
{
    constexpr std::array<double, 3> mean{0.485, 0.456, 0.406};
    constexpr std::array<double, 3> stdev{0.229, 0.224, 0.225};
    return static_cast<float>((value / 255.0 - mean[channel]) / stdev[channel]);
}

// Value of channel `channel` at (x, y) of tile `tile` in a [tiles, 3, T, T] buffer.
float pixelAt(const TiledImage &tiled, int tile, int channel, int x, int y)
{
    const std::size_t t = static_cast<std::size_t>(tiled.tileSize);
    return tiled.pixels[((static_cast<std::size_t>(tile) * 3 + channel) * t + y) * t + x];
}

} // namespace

class TestTiling : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void chooseGrid_data();
    void chooseGrid();
    void tileLayout_data();
    void tileLayout();
    void flatColourIsNormalised_data();
    void flatColourIsNormalised();
    void twoColourImageSplitsAcrossTiles();
    void bytesAreThePixelsBeforeNormalisation();
    void invalidInput_data();
    void invalidInput();
};

void TestTiling::chooseGrid_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("tileSize");
    QTest::addColumn<int>("minTiles");
    QTest::addColumn<int>("maxTiles");
    QTest::addColumn<bool>("dynamic");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("rows");

    // Worked by hand from the reference rule; T = tile size, half-area of a grid = 0.5·T²·cols·rows
    // (T = 448: 100352 per tile, so 1×2/2×1: 200704, 2×2: 401408, 2×4/4×2: 802816, 3×3: 903168).

    // Aspect 1: 1×1, 2×2, 3×3 tie at difference 0; area 90000 beats neither 401408 nor 903168.
    QTest::newRow("1:1 small 300x300") << 300 << 300 << 448 << 1 << 12 << true << 1 << 1;
    // Area 640000 > 401408 (2×2 wins the tie) but < 903168 (3×3 does not).
    QTest::newRow("1:1 medium 800x800") << 800 << 800 << 448 << 1 << 12 << true << 2 << 2;
    // Area 1000000 > 401408 and > 903168: 2×2 replaces 1×1, then 3×3 replaces 2×2.
    QTest::newRow("1:1 large 1000x1000") << 1000 << 1000 << 448 << 1 << 12 << true << 3 << 3;
    // Area 401408 is not > 802816, so 4×2 does not replace 2×1.
    QTest::newRow("2:1 896x448") << 896 << 448 << 448 << 1 << 12 << true << 2 << 1;
    // Area 2000000 > 802816: 4×2 replaces 2×1 (6×3 = 18 tiles is over the maximum).
    QTest::newRow("2:1 large 2000x1000") << 2000 << 1000 << 448 << 1 << 12 << true << 4 << 2;
    QTest::newRow("1:2 448x896") << 448 << 896 << 448 << 1 << 12 << true << 1 << 2;
    // 6×2 ties at difference 0, but area 602112 is not > 0.5·T²·12 = 1204224.
    QTest::newRow("3:1 1344x448") << 1344 << 448 << 448 << 1 << 12 << true << 3 << 1;
    // 4×3 (12 tiles) matches exactly; aspect beats area, so even a tiny 4:3 image gets 12 tiles.
    QTest::newRow("4:3 800x600") << 800 << 600 << 448 << 1 << 12 << true << 4 << 3;
    QTest::newRow("4:3 tiny 200x150") << 200 << 150 << 448 << 1 << 12 << true << 4 << 3;
    QTest::newRow("3:4 600x800") << 600 << 800 << 448 << 1 << 12 << true << 3 << 4;
    // 1.25 is closer to 4:3 (0.083) than to 1 or 1.5 (0.25 each).
    QTest::newRow("5:4 500x400") << 500 << 400 << 448 << 1 << 12 << true << 4 << 3;
    // 16:9 = 1.778: nearest is 2 (0.222; 1.5 is 0.278, 5:3 needs 15 tiles). 2×1 first, then 4×2
    // ties and wins because 2073600 > 802816.
    QTest::newRow("16:9 1920x1080") << 1920 << 1080 << 448 << 1 << 12 << true << 4 << 2;
    // Same ratio, area 230400 < 802816: stays 2×1.
    QTest::newRow("16:9 small 640x360") << 640 << 360 << 448 << 1 << 12 << true << 2 << 1;
    // 0.5625: nearest 0.5 (1×2, then 2×4 by area), 2:3 is 0.104 away.
    QTest::newRow("9:16 1080x1920") << 1080 << 1920 << 448 << 1 << 12 << true << 2 << 4;
    // 20: nothing closer than 12×1 (difference 8).
    QTest::newRow("20:1 4000x200") << 4000 << 200 << 448 << 1 << 12 << true << 12 << 1;
    QTest::newRow("1:20 200x4000") << 200 << 4000 << 448 << 1 << 12 << true << 1 << 12;
    // max 6.
    QTest::newRow("20:1 max 6") << 4000 << 200 << 448 << 1 << 6 << true << 6 << 1;
    QTest::newRow("1:1 large max 6") << 1000 << 1000 << 448 << 1 << 6 << true << 2 << 2;
    // 4×2 is over 6 tiles; 2 (0.222) still beats 3:2 (0.278).
    QTest::newRow("16:9 max 6") << 1920 << 1080 << 448 << 1 << 6 << true << 2 << 1;
    // min 2: 1×1 is not a candidate; 1×2 (0.5 away) is best until 2×2 matches; 3×3 loses on area.
    QTest::newRow("1:1 small min 2") << 300 << 300 << 448 << 2 << 12 << true << 2 << 2;
    // Only 6-tile grids: 1×6 0.83, 2×3 0.33, 3×2 0.5, 6×1 5 away.
    QTest::newRow("1:1 exactly 6") << 1000 << 1000 << 448 << 6 << 6 << true << 2 << 3;
    // Aspect 1.5 with max 4 is exactly 0.5 from 1:1 and 2:1 (3:2 needs 6 tiles):
    // 300x200 (area 60000): 2×1 needs > 200704, 2×2 > 401408 — 1×1 keeps it.
    QTest::newRow("tie 1.5 small max 4") << 300 << 200 << 448 << 1 << 4 << true << 1 << 1;
    // 600x400 (240000): 2×1 wins the tie, 2×2 (also 0.5 away) does not.
    QTest::newRow("tie 1.5 medium max 4") << 600 << 400 << 448 << 1 << 4 << true << 2 << 1;
    // 900x600 (540000): 2×1 wins, then the square 2×2 wins too — a 1:1 grid for a 3:2 image.
    QTest::newRow("tie 1.5 large max 4") << 900 << 600 << 448 << 1 << 4 << true << 2 << 2;
    // With 3×2 available the tie never arises.
    QTest::newRow("3:2 default max") << 900 << 600 << 448 << 1 << 12 << true << 3 << 2;
    // Tile 112 (demo model): half-areas 25088 (2×2) and 56448 (3×3), both below 90000.
    QTest::newRow("1:1 tile 112") << 300 << 300 << 112 << 1 << 12 << true << 3 << 3;
    // dynamic = false: always one tile.
    QTest::newRow("static 16:9") << 1920 << 1080 << 448 << 1 << 12 << false << 1 << 1;
}

void TestTiling::chooseGrid()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, tileSize);
    QFETCH(int, minTiles);
    QFETCH(int, maxTiles);
    QFETCH(bool, dynamic);
    QFETCH(int, cols);
    QFETCH(int, rows);

    TilingOptions options;
    options.tileSize = tileSize;
    options.minTiles = minTiles;
    options.maxTiles = maxTiles;
    options.dynamic = dynamic;
    const TileGrid grid = chooseTileGrid(width, height, options);
    QCOMPARE(grid.cols, cols);
    QCOMPARE(grid.rows, rows);
}

void TestTiling::tileLayout_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<bool>("useThumbnail");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("tileCount");

    // Tile size 16 keeps the buffers small; half-area per tile = 128.
    QTest::newRow("3x2 grid + thumbnail") << 90 << 60 << true << 3 << 2 << 7;
    QTest::newRow("3x2 grid, no thumbnail") << 90 << 60 << false << 3 << 2 << 6;
    QTest::newRow("1x1 grid: no thumbnail") << 10 << 10 << true << 1 << 1 << 1;
    QTest::newRow("odd size 2x1 + thumbnail") << 37 << 19 << true << 2 << 1 << 3;
    QTest::newRow("tall 1x3 + thumbnail") << 20 << 61 << true << 1 << 3 << 4;
}

void TestTiling::tileLayout()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(bool, useThumbnail);
    QFETCH(int, cols);
    QFETCH(int, rows);
    QFETCH(int, tileCount);

    TilingOptions options;
    options.tileSize = 16;
    options.useThumbnail = useThumbnail;
    const TiledImage tiled = tileImage(flatImage(width, height, {10, 20, 30}), options);
    QCOMPARE(tiled.grid.cols, cols);
    QCOMPARE(tiled.grid.rows, rows);
    QCOMPARE(tiled.sourceWidth, width);
    QCOMPARE(tiled.sourceHeight, height);
    QCOMPARE(tiled.tileSize, 16);
    QCOMPARE(int(tiled.tiles.size()), tileCount);
    QCOMPARE(tiled.pixels.size(), std::size_t(tileCount) * 3 * 16 * 16);

    double coveredArea = 0;
    for (int i = 0; i < cols * rows; ++i) {
        const TileInfo &tile = tiled.tiles[std::size_t(i)];
        QCOMPARE(tile.index, i);
        QCOMPARE(tile.col, i % cols); // row-major
        QCOMPARE(tile.row, i / cols);
        QVERIFY(!tile.thumbnail);
        const RectF &r = tile.sourceRect;
        QVERIFY(std::abs(r.x - double(tile.col) * width / cols) < 1e-9);
        QVERIFY(std::abs(r.y - double(tile.row) * height / rows) < 1e-9);
        QVERIFY(std::abs(r.x + r.width - double(tile.col + 1) * width / cols) < 1e-9);
        QVERIFY(std::abs(r.y + r.height - double(tile.row + 1) * height / rows) < 1e-9);
        coveredArea += r.width * r.height;
    }
    // Edge-to-edge rectangles with matching borders and the full area cover the image exactly.
    QVERIFY(std::abs(coveredArea - double(width) * height) < 1e-6);
    QVERIFY(std::abs(tiled.tiles[std::size_t(cols * rows - 1)].sourceRect.x
                     + tiled.tiles[std::size_t(cols * rows - 1)].sourceRect.width - width) < 1e-9);

    if (tileCount > cols * rows) {
        const TileInfo &thumbnail = tiled.tiles.back();
        QVERIFY(thumbnail.thumbnail);
        QCOMPARE(thumbnail.index, cols * rows);
        QCOMPARE(thumbnail.col, -1);
        QCOMPARE(thumbnail.row, -1);
        QCOMPARE(thumbnail.sourceRect.x, 0.0);
        QCOMPARE(thumbnail.sourceRect.y, 0.0);
        QCOMPARE(thumbnail.sourceRect.width, double(width));
        QCOMPARE(thumbnail.sourceRect.height, double(height));
    }
    for (const TileInfo &tile : tiled.tiles)
        QCOMPARE(tile.thumbnail, tile.index == cols * rows);
}

void TestTiling::flatColourIsNormalised_data()
{
    QTest::addColumn<int>("red");
    QTest::addColumn<int>("green");
    QTest::addColumn<int>("blue");
    QTest::addColumn<int>("width");  // enlarging (cubic), shrinking (area) and mixed paths
    QTest::addColumn<int>("height");

    QTest::newRow("black, enlarged") << 0 << 0 << 0 << 10 << 10;
    QTest::newRow("white, shrunk") << 255 << 255 << 255 << 200 << 100;
    QTest::newRow("mixed colour, mixed resize") << 12 << 200 << 77 << 70 << 9;
    QTest::newRow("grey, exact size") << 128 << 128 << 128 << 32 << 32;
}

void TestTiling::flatColourIsNormalised()
{
    QFETCH(int, red);
    QFETCH(int, green);
    QFETCH(int, blue);
    QFETCH(int, width);
    QFETCH(int, height);

    TilingOptions options;
    options.tileSize = 16;
    options.maxTiles = 4;
    const auto colour = std::array<std::uint8_t, 3>{std::uint8_t(red), std::uint8_t(green), std::uint8_t(blue)};
    const TiledImage tiled = tileImage(flatImage(width, height, colour), options);
    const std::array<float, 3> expected{normalised(red, 0), normalised(green, 1), normalised(blue, 2)};
    const std::size_t plane = 16 * 16;
    for (std::size_t i = 0; i < tiled.pixels.size(); ++i) {
        const int channel = int(i / plane % 3);
        if (std::abs(tiled.pixels[i] - expected[std::size_t(channel)]) > 1e-5f)
            QFAIL(qPrintable(QStringLiteral("value %1 at %2 (channel %3), expected %4")
                                 .arg(tiled.pixels[i]).arg(i).arg(channel).arg(expected[std::size_t(channel)])));
    }
}

void TestTiling::twoColourImageSplitsAcrossTiles()
{
    // 200x100, left half red, right half blue: aspect 2 → 2×1 (area 20000 < 802816 keeps 4×2 out).
    RgbImage image = flatImage(200, 100, {0, 0, 255});
    for (int y = 0; y < 100; ++y) {
        for (int x = 0; x < 100; ++x) {
            std::uint8_t *pixel = image.rgb.data() + std::size_t(y * 200 + x) * 3;
            pixel[0] = 255;
            pixel[2] = 0;
        }
    }

    const TiledImage tiled = tileImage(image, TilingOptions{});
    QCOMPARE(tiled.grid.cols, 2);
    QCOMPARE(tiled.grid.rows, 1);
    QCOMPARE(int(tiled.tiles.size()), 3);

    // Away from the seam (cubic interpolation blurs a few pixels there) the colours are exact.
    for (int y : {0, 224, 447}) {
        for (int x : {0, 224, 400}) {
            QCOMPARE(pixelAt(tiled, 0, 0, x, y), normalised(255, 0));
            QCOMPARE(pixelAt(tiled, 0, 2, x, y), normalised(0, 2));
            QCOMPARE(pixelAt(tiled, 1, 0, 447 - x, y), normalised(0, 0));
            QCOMPARE(pixelAt(tiled, 1, 2, 447 - x, y), normalised(255, 2));
        }
        // The thumbnail shows both halves.
        QCOMPARE(pixelAt(tiled, 2, 0, 10, y), normalised(255, 0));
        QCOMPARE(pixelAt(tiled, 2, 2, 437, y), normalised(255, 2));
    }
}

// The GPU path's tiling (normalise = false): the same resized tiles, as interleaved RGB bytes that
// the device normalises (core/cuda/tile_kernels.h); normalising them here gives the CPU's floats.
void TestTiling::bytesAreThePixelsBeforeNormalisation()
{
    const RgbImage image = test::noiseImage(150, 70, 3);
    TilingOptions options;
    options.tileSize = 16;
    options.maxTiles = 6;
    const TiledImage floats = tileImage(image, options);
    options.normalise = false;
    const TiledImage bytes = tileImage(image, options);
    QVERIFY(bytes.pixels.empty());
    QCOMPARE(bytes.tiles.size(), floats.tiles.size());
    QCOMPARE(bytes.bytes.size(), floats.pixels.size());
    const std::size_t plane = 16 * 16;
    for (std::size_t tile = 0; tile < bytes.tiles.size(); ++tile)
        for (std::size_t p = 0; p < plane; ++p)
            for (int c = 0; c < 3; ++c) {
                const float expected = floats.pixels[(tile * 3 + std::size_t(c)) * plane + p];
                const float got = normalised(bytes.bytes[(tile * plane + p) * 3 + std::size_t(c)], c);
                if (std::abs(got - expected) > 1e-6f)
                    QFAIL(qPrintable(QStringLiteral("tile %1 pixel %2 channel %3: %4 vs %5")
                                         .arg(tile).arg(p).arg(c).arg(got).arg(expected)));
            }
}

void TestTiling::invalidInput_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("tileSize");
    QTest::addColumn<int>("minTiles");
    QTest::addColumn<int>("maxTiles");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("zero width") << 0 << 10 << 448 << 1 << 12 << "0 x 10";
    QTest::newRow("zero tile size") << 10 << 10 << 0 << 1 << 12 << "tile size must be 1..4096 (got 0)";
    QTest::newRow("huge tile size") << 10 << 10 << 100000 << 1 << 12 << "tile size must be 1..4096";
    QTest::newRow("min above max") << 10 << 10 << 448 << 5 << 4 << "min tiles <= max tiles";
    QTest::newRow("min zero") << 10 << 10 << 448 << 0 << 4 << "min tiles <= max tiles";
    QTest::newRow("max too large") << 10 << 10 << 448 << 1 << 1000000 << "max tiles <= 256";
}

void TestTiling::invalidInput()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, tileSize);
    QFETCH(int, minTiles);
    QFETCH(int, maxTiles);
    QFETCH(QString, phrase);

    TilingOptions options;
    options.tileSize = tileSize;
    options.minTiles = minTiles;
    options.maxTiles = maxTiles;
    try {
        chooseTileGrid(width, height, options);
        QFAIL("expected tokenscope::Error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(phrase), e.what());
    }
    // A malformed buffer is refused too.
    QVERIFY_THROWS_EXCEPTION(Error, tileImage(RgbImage{4, 4, std::vector<std::uint8_t>(5)}, TilingOptions{}));
}

QTEST_APPLESS_MAIN(TestTiling)
#include "tst_tiling.moc"
