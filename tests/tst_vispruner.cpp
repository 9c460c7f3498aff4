// SPDX-License-Identifier: MIT
// VisPruner: the diverse remainder against the reference loop written with tensor ops as
// llava_arch.py writes it (a = R[::2], b = R[1::2], max cosine, argsort descending [r:]), the
// important/diverse split, near-duplicates going first, and one run through the Engine.

#include "compress/patch_pooling.h"
#include "compress/vispruner.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <set>

using namespace tokenscope;

namespace {

// anonymous-4869/VisPruner llava_arch.py encode_images, the `while True` loop, for one image.
std::vector<std::int64_t> referenceLoop(const torch::Tensor &unitFeatures, std::vector<std::int64_t> residual, std::int64_t count)
{
    auto indices = torch::tensor(residual, torch::kInt64);
    while (true) {
        const std::int64_t r = std::min<std::int64_t>(8, indices.size(0) - count);
        if (r <= 0)
            break;
        const auto tokens = unitFeatures.index_select(0, indices);
        const auto a = tokens.slice(0, 0, tokens.size(0), 2), b = tokens.slice(0, 1, tokens.size(0), 2);
        const auto scores = std::get<0>(a.matmul(b.t()).max(-1));
        const auto distinct = std::get<1>(scores.sort(/*stable=*/true, /*dim=*/-1, /*descending=*/true)).slice(0, r);
        indices = torch::cat({indices.slice(0, 0, indices.size(0), 2).index_select(0, distinct),
                              indices.slice(0, 1, indices.size(0), 2)});
    }
    return {indices.data_ptr<std::int64_t>(), indices.data_ptr<std::int64_t>() + indices.numel()};
}

CompressionPlan threeTilePlan()
{
    TiledImage image;
    image.tileSize = 112;
    for (int i = 0; i < 3; ++i)
        image.tiles.push_back({i, i, 0, false, RectF{112.0 * i, 0, 112, 112}});
    return planForRatios(image, {TileRatio::Quarter, TileRatio::Sixteenth, TileRatio::Quarter}, {}, 4, 2);   // 36 tokens
}

} // namespace

class TestVisPruner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(3); }
    void diverseMatchesReferenceLoop_data();
    void diverseMatchesReferenceLoop();
    void importantThenDiverse();
    void nearDuplicatesGoFirst();
    void engineRun();
};

void TestVisPruner::diverseMatchesReferenceLoop_data()
{
    QTest::addColumn<int>("tokens");
    QTest::addColumn<int>("count");
    QTest::newRow("61 -> 7 (odd sizes, several rounds)") << 61 << 7;
    QTest::newRow("40 -> 33 (one short round)") << 40 << 33;
    QTest::newRow("10 -> 10 (nothing to do)") << 10 << 10;
    // Enough rounds for the neighbour lists to be rebuilt several times (at every halving).
    QTest::newRow("1200 -> 60 (the demo's scale)") << 1200 << 60;
}

void TestVisPruner::diverseMatchesReferenceLoop()
{
    QFETCH(int, tokens);
    QFETCH(int, count);
    const auto features = torch::nn::functional::normalize(torch::randn({tokens, 6}),
                                                           torch::nn::functional::NormalizeFuncOptions().dim(-1));
    const auto similarity = features.matmul(features.t()).contiguous();
    // A residual in a scrambled order: the order matters to the rule.
    std::vector<std::int64_t> residual(static_cast<std::size_t>(tokens));
    for (int i = 0; i < tokens; ++i)
        residual[std::size_t(i)] = (i * 7) % tokens;
    QCOMPARE(vispruneDiverse(residual, count, similarity), referenceLoop(features, residual, count));
    // Only part of the tokens (the important ones are not in the residual), in clusters of 48
    // near-copies, more than a neighbour list holds: a token's listed neighbours are often all
    // outside B, and the rule must still find its best B token.
    if (tokens >= 100) {
        const auto centres = torch::randn({tokens / 48 + 1, 6});
        const auto clustered = torch::nn::functional::normalize(centres.repeat_interleave(48, 0).slice(0, 0, tokens) +
                                                                    0.01 * torch::randn({tokens, 6}),
                                                                torch::nn::functional::NormalizeFuncOptions().dim(-1));
        std::vector<std::int64_t> part;
        for (int i = 0; i < tokens; ++i)
            if ((i * 13) % 5 != 0)
                part.push_back((i * 7) % tokens);
        QCOMPARE(vispruneDiverse(part, count, clustered.matmul(clustered.t()).contiguous()),
                 referenceLoop(clustered, part, count));
        // A cluster larger than a neighbour list sitting wholly in A (the even places) in the first
        // round: the lists made for its tokens name no B token, so only the pass over B finds the
        // best one (skipping that pass fails here).
        const int cluster = 40;
        auto split = torch::nn::functional::normalize(torch::randn({tokens, 6}),
                                                      torch::nn::functional::NormalizeFuncOptions().dim(-1));
        split.slice(0, 0, cluster) =
            torch::nn::functional::normalize(torch::ones({cluster, 6}) + 0.01 * torch::randn({cluster, 6}),
                                             torch::nn::functional::NormalizeFuncOptions().dim(-1));
        std::vector<std::int64_t> evenCluster;
        for (int i = 0, next = cluster; i < tokens; ++i)
            evenCluster.push_back(i % 2 == 0 && i / 2 < cluster ? i / 2 : next++);
        QCOMPARE(vispruneDiverse(evenCluster, count, split.matmul(split.t()).contiguous()),
                 referenceLoop(split, evenCluster, count));
    }
}

void TestVisPruner::importantThenDiverse()
{
    ModelConfig config;
    const CompressionPlan plan = threeTilePlan();
    const auto cls = torch::rand({3, 64});
    const auto features = torch::randn({3, 64, 5});
    const MethodChoice choice = chooseMethod("vispruner", 0.5);
    const SelectionInput input{config, plan, torch::randn({36, 4}), LastLayerSignals{cls, {}, {}, features}, nullptr, choice, 0, {}};
    const TokenSelection s = VisPrunerSelector().select(input, 10);
    QCOMPARE(s.kept.size(), std::size_t(10));
    QVERIFY(std::is_sorted(s.kept.begin(), s.kept.end()));
    QCOMPARE(std::set<std::int64_t>(s.kept.begin(), s.kept.end()).size(), std::size_t(10));
    // The five highest-attention tokens are kept.
    const std::vector<std::int64_t> top = topKSorted(tokenClsAttention(input), 5);
    for (std::int64_t i : top)
        QVERIFY(std::binary_search(s.kept.begin(), s.kept.end(), i));
    QVERIFY(!s.keptEmbeddings.defined());   // no merging: the kept rows go as they are
}

// Residual 0..5 splits into A = {0, 2, 4} and B = {1, 3, 5}; token 2 is a copy of token 5, so its
// best cosine to B is 1 and one round (r = 1 to reach 5) removes exactly it.
void TestVisPruner::nearDuplicatesGoFirst()
{
    const auto f = torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 0.6f, 0.8f, -1.0f, 0.1f, 0.0f, -1.0f, 0.6f, 0.8f}).view({6, 2});
    const auto unit = torch::nn::functional::normalize(f, torch::nn::functional::NormalizeFuncOptions().dim(-1));
    const auto similarity = unit.matmul(unit.t()).contiguous();
    const auto kept = vispruneDiverse({0, 1, 2, 3, 4, 5}, 5, similarity);
    QCOMPARE(kept.size(), std::size_t(5));
    QVERIFY(std::find(kept.begin(), kept.end(), 2) == kept.end());
    QCOMPARE(kept, referenceLoop(unit, {0, 1, 2, 3, 4, 5}, 5));
}

void TestVisPruner::engineRun()
{
    const RunResult r = test::runOnTinyFixture("vispruner", "vispruner", 0.5);   // 3 tiles × 4 tokens
    QCOMPARE(r.plan.tokensSent, 6);
    QCOMPARE(r.promptTokens, r.textTokens + 6);
    QCOMPARE(int(std::count_if(r.plan.tokens.begin(), r.plan.tokens.end(), [](const VisualToken &t) { return t.kept; })), 6);
    QCOMPARE(r.plan.method, std::string("vispruner"));
}

QTEST_APPLESS_MAIN(TestVisPruner)
#include "tst_vispruner.moc"
