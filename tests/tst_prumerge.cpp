// SPDX-License-Identifier: MIT
// PruMerge+ on InternVL tokens: IQR outliers (quartiles written by hand), the uniform top-up, the
// CLS-attention-weighted merge against a plain-loop computation; one run through the Engine.

#include "compress/prumerge.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

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
    torch::Tensor cls = patchAttention();
    torch::Tensor visual = torch::randn({12, 5});
    MethodChoice choice = chooseMethod("prumerge+", 0.5);
    SelectionInput input() const
    {
        return SelectionInput{config, plan, visual, torch::Tensor(), cls, nullptr, choice, 0};
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
    void attentionWeightedMerge();
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
    // Outliers 2 and 7; the other ten are 0 1 3 4 5 6 8 9 10 11 and the fill takes j·10/4 for
    // j = 0..3 of them: positions 0 2 5 7 -> tokens 0 3 6 9.
    QCOMPARE(s.kept, (std::vector<std::int64_t>{0, 2, 3, 6, 7, 9}));
    for (std::size_t i = 0; i < kScores.size(); ++i)
        QVERIFY(std::abs(s.scores[i] - kScores[i]) < 1e-5f);
}

void TestPruMerge::tooManyOutliersKeepTheHighest()
{
    const Fixture f;
    QCOMPARE(PruMergePlusSelector().select(f.input(), 1).kept, (std::vector<std::int64_t>{2}));
}

void TestPruMerge::attentionWeightedMerge()
{
    const Fixture f;
    const TokenSelection s = PruMergePlusSelector().select(f.input(), 6);
    QVERIFY(s.keptEmbeddings.defined());
    QCOMPARE(s.keptEmbeddings.size(0), std::int64_t(6));
    QCOMPARE(s.mergedInto.size(), std::size_t(12));

    // The same computation in plain loops: nearest kept token by cosine, then Σ a·x / Σ a.
    auto value = [&](std::int64_t i, int d) { return f.visual[i][d].item<float>(); };
    auto cosine = [&](std::int64_t i, std::int64_t j) {
        double dot = 0, ni = 0, nj = 0;
        for (int d = 0; d < 5; ++d) {
            dot += double(value(i, d)) * value(j, d);
            ni += double(value(i, d)) * value(i, d);
            nj += double(value(j, d)) * value(j, d);
        }
        return dot / std::sqrt(ni * nj);
    };
    std::vector<std::vector<double>> sums(6, std::vector<double>(5, 0.0));
    std::vector<double> weight(6, 0.0);
    for (std::int64_t j = 0; j < 12; ++j) {
        std::size_t slot = 0;
        const auto found = std::find(s.kept.begin(), s.kept.end(), j);
        if (found != s.kept.end()) {
            QCOMPARE(s.mergedInto[std::size_t(j)], -1);
            slot = std::size_t(found - s.kept.begin());
        } else {
            for (std::size_t k = 1; k < 6; ++k)
                if (cosine(j, s.kept[k]) > cosine(j, s.kept[slot]))
                    slot = k;
            QCOMPARE(s.mergedInto[std::size_t(j)], int(s.kept[slot]));
        }
        const double a = kScores[std::size_t(j)];
        for (int d = 0; d < 5; ++d)
            sums[slot][std::size_t(d)] += a * value(j, d);
        weight[slot] += a;
    }
    for (std::size_t k = 0; k < 6; ++k)
        for (int d = 0; d < 5; ++d)
            QVERIFY(std::abs(s.keptEmbeddings[std::int64_t(k)][d].item<float>() - sums[k][std::size_t(d)] / weight[k]) < 1e-4);

    // One group written out: if token 1 (a = 1) joined token 0 (a = 5) alone, row 0 = (5·x0 + 1·x1) / 6.
    if (std::count(s.mergedInto.begin(), s.mergedInto.end(), 0) == 1 && s.mergedInto[1] == 0)
        QVERIFY(torch::allclose(s.keptEmbeddings[0], (5 * f.visual[0] + f.visual[1]) / 6, 1e-5, 1e-6));
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
    QCOMPARE(r.plan.tokensSent, 6);
    QCOMPARE(r.promptTokens, r.textTokens + 6);
    QCOMPARE(r.plan.method, std::string("prumerge+"));
}

QTEST_APPLESS_MAIN(TestPruMerge)
#include "tst_prumerge.moc"
