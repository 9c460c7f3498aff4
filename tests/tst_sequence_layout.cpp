// SPDX-License-Identifier: MIT
// Sequence assembly (256/64 tokens per tile, order, lengths), the chat template, and the plan's
// tile/token layout.

#include "pipeline/chat_template.h"
#include "pipeline/compression_plan.h"
#include "pipeline/sequence_layout.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <numeric>

using namespace tokenscope;

class TestSequenceLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsFirstPlaceholdersOfCompressedTiles();
    void realTileSizes();
    void rejectsMalformedPrompts();
    void chatPromptFormat();
    void imageTagInsideQuestion();
    void planLaysOutTokens();
};

static constexpr TokenId kCtx = 9;

void TestSequenceLayout::keepsFirstPlaceholdersOfCompressedTiles()
{
    // text [1 2], three tiles of 4 placeholders, text [3 4]; tile 1 sends only 1 token.
    std::vector<TokenId> prompt{1, 2};
    prompt.insert(prompt.end(), 12, kCtx);
    prompt.insert(prompt.end(), {3, 4});
    const SequenceLayout layout = assembleSequence(prompt, kCtx, 4, {4, 1, 4}, "prompt");
    const std::vector<TokenId> expectedIds{1, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 3, 4};
    QCOMPARE(layout.ids, expectedIds);
    QCOMPARE(layout.spans.size(), std::size_t(3));
    QCOMPARE(layout.spans[0].start, 2);
    QCOMPARE(layout.spans[0].count, 4);
    QCOMPARE(layout.spans[1].start, 6);
    QCOMPARE(layout.spans[1].count, 1);
    QCOMPARE(layout.spans[2].start, 7);
    QCOMPARE(layout.spans[2].count, 4);
    QCOMPARE(layout.visualTokens, 9);
    QCOMPARE(layout.textTokens, 4);
}

void TestSequenceLayout::realTileSizes()
{
    // 448-px tiles: 256 placeholders each; compressed tiles keep 64, tiles stay in order.
    const std::vector<int> sent{256, 64, 64, 256, 256};
    std::vector<TokenId> prompt{100, 101, 102};
    prompt.insert(prompt.end(), sent.size() * 256, kCtx);
    prompt.insert(prompt.end(), {103, 104});
    const SequenceLayout layout = assembleSequence(prompt, kCtx, 256, sent, "prompt");
    QCOMPARE(layout.visualTokens, 256 * 3 + 64 * 2);
    QCOMPARE(int(layout.ids.size()), 5 + 256 * 3 + 64 * 2);
    int expectedStart = 3;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        QCOMPARE(layout.spans[i].tile, int(i));
        QCOMPARE(layout.spans[i].start, expectedStart);
        QCOMPARE(layout.spans[i].count, sent[i]);
        expectedStart += sent[i];
    }
    QCOMPARE(layout.ids[std::size_t(expectedStart)], TokenId(103));
}

void TestSequenceLayout::rejectsMalformedPrompts()
{
    std::vector<TokenId> prompt{1};
    prompt.insert(prompt.end(), 8, kCtx);
    test::expectError([&] { assembleSequence(prompt, kCtx, 4, {4, 4, 4}, "prompt"); },
                      {"prompt", "holds 8 image placeholders, expected 12"});
    test::expectError([&] { assembleSequence(prompt, kCtx, 4, {4, 5}, "prompt"); }, {"tile 1 sends 5 tokens"});
    auto twoRuns = prompt;
    twoRuns.insert(twoRuns.end(), {2, kCtx});
    test::expectError([&] { assembleSequence(twoRuns, kCtx, 4, {4, 4}, "prompt"); }, {"more than one run"});
}

void TestSequenceLayout::chatPromptFormat()
{
    const std::string prompt = buildChatPrompt("What colour?", 2, "SYS");
    QCOMPARE(QString::fromStdString(prompt),
             QStringLiteral("<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\n"
                            "<img><IMG_CONTEXT><IMG_CONTEXT></img>\nWhat colour?<|im_end|>\n<|im_start|>assistant\n"));
    QVERIFY(buildChatPrompt("q", 1).find(std::string(defaultSystemMessage())) != std::string::npos);
}

void TestSequenceLayout::imageTagInsideQuestion()
{
    const std::string prompt = buildChatPrompt("Look: <image> what is it?", 1, "S");
    QVERIFY(prompt.find("user\nLook: <img><IMG_CONTEXT></img> what is it?<|im_end|>") != std::string::npos);
}

void TestSequenceLayout::planLaysOutTokens()
{
    TiledImage image;
    image.sourceWidth = 200;
    image.sourceHeight = 100;
    image.tileSize = 56;
    image.grid = {2, 1};
    image.tiles = {{0, 0, 0, false, {0, 0, 100, 100}}, {1, 1, 0, false, {100, 0, 100, 100}}, {2, -1, -1, true, {0, 0, 200, 100}}};
    const CompressionPlan plan = planForRatios(image, {TileRatio::Quarter, TileRatio::Sixteenth, TileRatio::Quarter},
                                               {0.1, 0.9, 0.2}, 2, 1);
    QCOMPARE(plan.tokensBeforeCompression, 12);
    QCOMPARE(plan.tokensSent, 9);
    QCOMPARE(plan.compressedTiles(), 1);
    QCOMPARE(plan.tiles[1].firstToken, 4);
    QCOMPARE(plan.tiles[1].tokenCount, 1);
    QCOMPARE(plan.tiles[2].firstToken, 5);
    // Token (1, 0) of tile 0 shows the top-right quarter of the left half.
    const VisualToken &t = plan.tokens[1];
    QCOMPARE(t.tile, 0);
    QCOMPARE(t.gridX, 1);
    QCOMPARE(t.gridY, 0);
    QCOMPARE(t.sourceRect.x, 50.0);
    QCOMPARE(t.sourceRect.width, 50.0);
    // The compressed tile's single token covers the whole tile.
    QCOMPARE(plan.tokens[4].sourceRect.x, 100.0);
    QCOMPARE(plan.tokens[4].sourceRect.width, 100.0);
    QCOMPARE(plan.tokens[8].sourceRect.y, 50.0);
}

QTEST_APPLESS_MAIN(TestSequenceLayout)
#include "tst_sequence_layout.moc"
