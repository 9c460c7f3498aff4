// SPDX-License-Identifier: MIT
// PruMerge+ on InternVL tokens: IQR outliers (quartiles written by hand), the uniform top-up, the
// merge (x_i + Σ a_j·x_j over the 32 most key-similar others, plus the appended Σ_dropped a_j·x_j)
// against plain loops written from 42Shawn/LLaVA-PruMerge clip_encoder.py; one run through the Engine.

#include "compress/prumerge.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace tokenscope;

namespace {

// Token scores in plan order for three 1/4 tiles of 2×2 tokens (4×4 patches, f = 2). Sorted:
// 1 2 3 4 5 6 7 8 9 10 30 40. Q1 at position 0.25·11 = 2.75: 3 + 0.75·(4 − 3) = 3.75; Q3 at 8.25:
// 9 + 0.25·(10 − 9) = 9.25; IQR = 5.5; fence 9.25 + 1.5·5.5 = 17.5: the outliers are 40 (token 2)
// and 30 (token 7).
const std::vector<float> kScores{5, 1, 40, 2, 3, 6, 4, 30, 7, 8, 9, 10};

CompressionPlan tinyPlan()
{
    TiledImage image;
    image.tileSize = 56;
    for (int i = 0; i < 3; ++i)
        image.tiles.push_back({i, i, 0, false, RectF{56.0 * i, 0, 56, 56}});
    return planForRatios(image, {TileRatio::Quarter, TileRatio::Quarter, TileRatio::Quarter}, {}, 2, 1);
}

// Patch attention that pools to kScores: a token's score split over its 2×2 patches (1/2, 1/4, 1/4, 0).
torch::Tensor patchAttention()
{
    auto cls = torch::zeros({3, 16});
    for (int t = 0; t < 12; ++t) {
        const int tile = t / 4, x = t % 4 % 2, y = t % 4 / 2;
        const float v = kScores[std::size_t(t)];
        cls[tile][(2 * y) * 4 + 2 * x] = 0.5f * v;
        cls[tile][(2 * y) * 4 + 2 * x + 1] = 0.25f * v;
        cls[tile][(2 * y + 1) * 4 + 2 * x] = 0.25f * v;
    }
    return cls;
}

struct Fixture {
    ModelConfig config;
    CompressionPlan plan = tinyPlan();
    torch::Tensor cls = patchAttention();            // PruMerge+ reads the full-width score
    torch::Tensor keys = torch::randn({3, 16, 6});
    torch::Tensor visual = torch::randn({12, 5});
    MethodChoice choice = chooseMethod("prumerge+", 0.5);
    SelectionInput input() const
    {
        return SelectionInput{config, plan, visual, LastLayerSignals{torch::Tensor(), cls, keys, torch::Tensor()}, nullptr, choice, 0, {}};
    }
};

// 48 tokens (three 1/4 tiles of 4×4 tokens on 8×8 patches): more than the 32 a cluster takes.
struct LargeFixture {
    ModelConfig config;
    CompressionPlan plan;
    torch::Tensor cls = torch::rand({3, 64}) / 64;
    torch::Tensor keys = torch::randn({3, 64, 6});
    torch::Tensor visual = torch::randn({48, 5});
    MethodChoice choice = chooseMethod("prumerge+", 0.25);
    LargeFixture()
    {
        TiledImage image;
        image.tileSize = 112;
        for (int i = 0; i < 3; ++i)
            image.tiles.push_back({i, i, 0, false, RectF{112.0 * i, 0, 112, 112}});
        plan = planForRatios(image, {TileRatio::Quarter, TileRatio::Quarter, TileRatio::Quarter}, {}, 4, 2);
    }
    SelectionInput input() const
    {
        return SelectionInput{config, plan, visual, LastLayerSignals{torch::Tensor(), cls, keys, torch::Tensor()}, nullptr, choice, 0, {}};
    }
    // Token i's score and key by hand: sums over its 2×2 patches.
    double score(std::int64_t i) const
    {
        const VisualToken &t = plan.tokens[std::size_t(i)];
        double sum = 0;
        for (int y = 2 * t.gridY; y < 2 * t.gridY + 2; ++y)
            for (int x = 2 * t.gridX; x < 2 * t.gridX + 2; ++x)
                sum += cls[t.tile][y * 8 + x].item<double>();
        return sum;
    }
    torch::Tensor key(std::int64_t i) const
    {
        const VisualToken &t = plan.tokens[std::size_t(i)];
        auto sum = torch::zeros({6}, torch::kFloat64);
        for (int y = 2 * t.gridY; y < 2 * t.gridY + 2; ++y)
            for (int x = 2 * t.gridX; x < 2 * t.gridX + 2; ++x)
                sum += keys[t.tile][y * 8 + x].to(torch::kFloat64);
        return sum;
    }
};

} // namespace

class TestPruMerge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(11); }
    void iqrOutliersByHand();
    void outliersThenUniformFill();
    void tooManyOutliersKeepTheHighest();
    void mergeMatchesReference();
    void composesAfterVir();
    void engineRun();
};

void TestPruMerge::iqrOutliersByHand()
{
    QCOMPARE(iqrOutliers(torch::tensor(kScores)), (std::vector<std::int64_t>{2, 7}));
    // 1..8: Q1 = 2.75, Q3 = 6.25, fence 11.5: none.
    QVERIFY(iqrOutliers(torch::arange(1, 9).to(torch::kFloat32)).empty());
    // Ties at the fence are not outliers (strictly above Q3 + 1.5·IQR): 0 0 0 0 → fence 0.
    QVERIFY(iqrOutliers(torch::zeros({4})).empty());
}

void TestPruMerge::outliersThenUniformFill()
{
    const Fixture f;
    const TokenSelection s = PruMergePlusSelector().select(f.input(), 6);
    // k = 6: five kept tokens and the appended one. Outliers 2 and 7; the other ten are
    // 0 1 3 4 5 6 8 9 10 11 and the fill takes j·10/3 for j = 0..2 of them: positions 0 3 6 ->
    // tokens 0 4 8.
    QCOMPARE(s.kept, (std::vector<std::int64_t>{0, 2, 4, 7, 8}));
    QVERIFY(s.appendedEmbeddings.defined());
    QCOMPARE(s.appendedEmbeddings.size(0), std::int64_t(1));
    for (std::size_t i = 0; i < kScores.size(); ++i)
        QVERIFY(std::abs(s.scores[i] - kScores[i]) < 1e-5f);
}

void TestPruMerge::tooManyOutliersKeepTheHighest()
{
    const Fixture f;
    // k = 1: the top token alone, nothing appended; k = 2: the top token and the appended one.
    const TokenSelection one = PruMergePlusSelector().select(f.input(), 1);
    QCOMPARE(one.kept, (std::vector<std::int64_t>{2}));
    QVERIFY(!one.appendedEmbeddings.defined());
    const TokenSelection two = PruMergePlusSelector().select(f.input(), 2);
    QCOMPARE(two.kept, (std::vector<std::int64_t>{2}));
    QCOMPARE(two.appendedEmbeddings.size(0), std::int64_t(1));
    // k = N drops nothing: every row passes unchanged.
    const TokenSelection all = PruMergePlusSelector().select(f.input(), 12);
    QCOMPARE(all.kept.size(), std::size_t(12));
    QVERIFY(!all.keptEmbeddings.defined() && !all.appendedEmbeddings.defined());
}

void TestPruMerge::mergeMatchesReference()
{
    const LargeFixture f;
    const std::int64_t n = 48, keep = 12;
    const TokenSelection s = PruMergePlusSelector().select(f.input(), keep);
    QCOMPARE(std::int64_t(s.kept.size()), keep - 1);
    QVERIFY(s.keptEmbeddings.defined() && s.appendedEmbeddings.defined());
    const std::set<std::int64_t> kept(s.kept.begin(), s.kept.end());

    auto cosine = [&](std::int64_t i, std::int64_t j) {
        const auto a = f.key(i), b = f.key(j);
        return (a.dot(b) / (a.norm() * b.norm())).item<double>();
    };
    for (std::size_t row = 0; row < s.kept.size(); ++row) {
        const std::int64_t i = s.kept[row];
        // The 32 most key-similar other tokens, kept or dropped.
        std::vector<std::int64_t> others;
        for (std::int64_t j = 0; j < n; ++j)
            if (j != i)
                others.push_back(j);
        std::stable_sort(others.begin(), others.end(), [&](auto a, auto b) { return cosine(i, a) > cosine(i, b); });
        others.resize(32);
        auto expected = f.visual[i].to(torch::kFloat64).clone();
        for (std::int64_t j : others)
            expected += f.score(j) * f.visual[j].to(torch::kFloat64);
        QVERIFY2(torch::allclose(s.keptEmbeddings[std::int64_t(row)].to(torch::kFloat64), expected, 1e-4, 1e-5),
                 qPrintable(QString("kept token %1").arg(i)));
    }
    auto appended = torch::zeros({5}, torch::kFloat64);
    for (std::int64_t j = 0; j < n; ++j)
        if (!kept.count(j))
            appended += f.score(j) * f.visual[j].to(torch::kFloat64);
    QVERIFY(torch::allclose(s.appendedEmbeddings[0].to(torch::kFloat64), appended, 1e-4, 1e-5));
    // Every dropped token that some cluster took is drawn merged into a kept token.
    for (std::int64_t j = 0; j < n; ++j)
        QVERIFY(kept.count(j) ? s.mergedInto[std::size_t(j)] == -1
                              : (s.mergedInto[std::size_t(j)] == -1 || kept.count(s.mergedInto[std::size_t(j)])));
}

void TestPruMerge::composesAfterVir()
{
    // The name ends in '+': it is still one method, and still composes after ViR.
    const MethodChoice alone = chooseMethod("prumerge+", 0.5);
    QCOMPARE(alone.tokens->name, std::string("prumerge+"));
    QCOMPARE(alone.ratio->name, std::string("none"));
    const MethodChoice composed = chooseMethod("vir+prumerge+", 0.5);
    QCOMPARE(composed.ratio->name, std::string("vir"));
    QCOMPARE(composed.tokens->name, std::string("prumerge+"));
}

void TestPruMerge::engineRun()
{
    const RunResult r = test::runOnTinyFixture("prumerge", "prumerge+", 0.5);   // 3 tiles × 4 tokens
    QCOMPARE(int(r.plan.tokens.size()), 12);
    QCOMPARE(r.plan.tokensSent, 6);   // five kept and the appended token
    QCOMPARE(r.plan.appendedTokens, 1);
    QCOMPARE(int(std::count_if(r.plan.tokens.begin(), r.plan.tokens.end(), [](const VisualToken &t) { return t.kept; })), 5);
    QCOMPARE(r.promptTokens, r.textTokens + 6);
    QCOMPARE(r.plan.method, std::string("prumerge+"));
}

QTEST_APPLESS_MAIN(TestPruMerge)
#include "tst_prumerge.moc"
