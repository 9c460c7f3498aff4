// SPDX-License-Identifier: MIT
// Pixel shuffle v2 against hand-computed index maps (InternVL ps_version v2).

#include "model/pixel_shuffle.h"

#include <QtTest/QtTest>

using namespace tokenscope;

class TestPixelShuffle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quarterFoldsTwoByTwoBlocks();
    void sixteenthFoldsFourByFourBlocks();
    void channelsStayWithTheirPatch();
    void shapes_data();
    void shapes();
};

// A [1, g, g, 1] grid whose single channel holds the patch index row * g + col.
static torch::Tensor indexGrid(int g)
{
    return torch::arange(g * g, torch::kFloat32).view({1, g, g, 1});
}

void TestPixelShuffle::quarterFoldsTwoByTwoBlocks()
{
    // 4×4 patches, scale 0.5: 2×2 tokens in raster order; each token's 4 channels are the patches
    // (2y, 2x), (2y, 2x+1), (2y+1, 2x), (2y+1, 2x+1) — worked out by hand from the view/permute chain.
    const float expected[4][4] = {{0, 1, 4, 5}, {2, 3, 6, 7}, {8, 9, 12, 13}, {10, 11, 14, 15}};
    auto out = pixelShuffleV2(indexGrid(4), 0.5);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{1, 4, 4}));
    for (int t = 0; t < 4; ++t)
        for (int c = 0; c < 4; ++c)
            QCOMPARE(out[0][t][c].item<float>(), expected[t][c]);
}

void TestPixelShuffle::sixteenthFoldsFourByFourBlocks()
{
    // 8×8 patches, scale 0.25: 2×2 tokens; token (y, x) holds the 4×4 block at rows 4y.., cols 4x..
    // in row-major order.
    auto out = pixelShuffleV2(indexGrid(8), 0.25);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{1, 4, 16}));
    const float token0[16] = {0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27};
    const float token3[16] = {36, 37, 38, 39, 44, 45, 46, 47, 52, 53, 54, 55, 60, 61, 62, 63};
    for (int c = 0; c < 16; ++c) {
        QCOMPARE(out[0][0][c].item<float>(), token0[c]);
        QCOMPARE(out[0][3][c].item<float>(), token3[c]);
    }
}

void TestPixelShuffle::channelsStayWithTheirPatch()
{
    // With C = 2 channels (value = 10·patch + channel), a token's 8 channels are 4 patches × 2
    // channels, the channel index fastest.
    auto grid = (torch::arange(16, torch::kFloat32).view({1, 4, 4, 1}) * 10).repeat({1, 1, 1, 2});
    grid.select(3, 1).add_(1);
    auto out = pixelShuffleV2(grid, 0.5);
    const float token1[8] = {20, 21, 30, 31, 60, 61, 70, 71};
    for (int c = 0; c < 8; ++c)
        QCOMPARE(out[0][1][c].item<float>(), token1[c]);
}

void TestPixelShuffle::shapes_data()
{
    QTest::addColumn<int>("grid");
    QTest::addColumn<int>("channels");
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<int>("width");
    QTest::newRow("448px 1/4") << 32 << 1024 << 0.5 << 256 << 4096;
    QTest::newRow("448px 1/16") << 32 << 1024 << 0.25 << 64 << 16384;
    QTest::newRow("demo 1/4") << 8 << 192 << 0.5 << 16 << 768;
    QTest::newRow("demo 1/16") << 8 << 192 << 0.25 << 4 << 3072;
}

void TestPixelShuffle::shapes()
{
    QFETCH(int, grid);
    QFETCH(int, channels);
    QFETCH(double, scale);
    QFETCH(int, tokens);
    QFETCH(int, width);
    auto out = pixelShuffleV2(torch::zeros({2, grid, grid, channels}), scale);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, tokens, width}));
}

QTEST_APPLESS_MAIN(TestPixelShuffle)
#include "tst_pixel_shuffle.moc"
