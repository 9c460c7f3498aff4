// SPDX-License-Identifier: MIT
// VisionZip on InternVL tokens: token CLS attention pooled over each token's f×f patches, the
// dominant/contextual split, the contextual means and the merge map; one run through the Engine.

#include "compress/visionzip.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

using namespace tokenscope;

namespace {

// Three tiles on an 8×8 patch grid: 1/4 (4×4 tokens, f = 2), 1/16 (2×2, f = 4), 1/4: 36 tokens.
CompressionPlan mixedPlan()
{
    TiledImage image;
    image.tileSize = 112;
    for (int i = 0; i < 3; ++i)
        image.tiles.push_back({i, i, 0, false, RectF{112.0 * i, 0, 112, 112}});
    return planForRatios(image, {TileRatio::Quarter, TileRatio::Sixteenth, TileRatio::Quarter}, {}, 4, 2);
}

struct Fixture {
    ModelConfig config;
    CompressionPlan plan = mixedPlan();
    torch::Tensor cls = torch::rand({3, 64}, torch::TensorOptions().dtype(torch::kFloat32));
    torch::Tensor keys = torch::randn({3, 64, 6});   // 2 heads of 3
    torch::Tensor visual = torch::randn({36, 8});
    MethodChoice choice;

    explicit Fixture(double budget, std::map<std::string, double> parameters = {})
        : choice(chooseMethod("visionzip", budget, parameters))
    {
        config.vision.numHeads = 2;
    }
    SelectionInput input() const
    {
        return SelectionInput{config, plan, visual, LastLayerSignals{cls, torch::Tensor(), keys, torch::Tensor()}, nullptr, choice, 0, {}};
    }
    // Token i's key by hand: per patch the mean of its 2 heads, summed over the token's patches.
    torch::Tensor tokenKey(std::int64_t i) const
    {
        const VisualToken &t = plan.tokens[std::size_t(i)];
        const int f = 8 / plan.tiles[std::size_t(t.tile)].gridSide;
        auto sum = torch::zeros({3});
        for (int y = t.gridY * f; y < (t.gridY + 1) * f; ++y)
            for (int x = t.gridX * f; x < (t.gridX + 1) * f; ++x) {
                const auto patch = keys[t.tile][y * 8 + x];
                sum += (patch.slice(0, 0, 3) + patch.slice(0, 3, 6)) / 2;
            }
        return sum;
    }
};

float valueAt(const torch::Tensor &t, std::int64_t i) { return t[i].item<float>(); }

} // namespace

class TestVisionZip : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }
    void tokenAttentionSumsItsPatches();
    void dominantAreTheTopTokens();
    void contextualAreTargetPlusMembersMean();
    void noContextualMeansTopK();
    void engineRun();
};

void TestVisionZip::tokenAttentionSumsItsPatches()
{
    const Fixture f(0.5);
    const auto scores = tokenClsAttention(f.input());
    QCOMPARE(scores.size(0), std::int64_t(36));
    // Tile 0 (1/4, f = 2), token (x=1, y=2) = index 2·4+1 = 9: patches rows 4–5, columns 2–3 of 8.
    const auto &c = f.cls;
    const float byHand = valueAt(c[0], 4 * 8 + 2) + valueAt(c[0], 4 * 8 + 3) + valueAt(c[0], 5 * 8 + 2) + valueAt(c[0], 5 * 8 + 3);
    QVERIFY(std::abs(valueAt(scores, 9) - byHand) < 1e-5f);
    // Tile 1 (1/16, f = 4), token (x=1, y=0) = index 16+1: patches rows 0–3, columns 4–7.
    float block = 0;
    for (int y = 0; y < 4; ++y)
        for (int x = 4; x < 8; ++x)
            block += valueAt(c[1], y * 8 + x);
    QVERIFY(std::abs(valueAt(scores, 17) - block) < 1e-5f);
    // Every tile's tokens together carry all of its patches' attention.
    QVERIFY(std::abs(scores.slice(0, 20, 36).sum().item<float>() - c[2].sum().item<float>()) < 1e-4f);
}

void TestVisionZip::dominantAreTheTopTokens()
{
    const Fixture f(0.5);   // k = 18: round(18·10/64) = 3 contextual, 15 dominant
    const TokenSelection s = VisionZipSelector().select(f.input(), 18);
    QCOMPARE(s.kept.size(), std::size_t(18));
    QVERIFY(std::is_sorted(s.kept.begin(), s.kept.end()));
    QCOMPARE(std::set<std::int64_t>(s.kept.begin(), s.kept.end()).size(), std::size_t(18));
    QCOMPARE(s.scores.size(), std::size_t(36));

    std::vector<std::int64_t> order(36);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return s.scores[a] > s.scores[b]; });
    const std::set<std::int64_t> top(order.begin(), order.begin() + 15);
    const std::set<std::int64_t> kept(s.kept.begin(), s.kept.end());
    for (std::int64_t i : top)
        QVERIFY(kept.count(i));
    // The three others are targets: not dominant, and nothing merged into a dominant token.
    int targets = 0;
    for (std::int64_t i : s.kept)
        targets += top.count(i) ? 0 : 1;
    QCOMPARE(targets, 3);
    for (int m : s.mergedInto)
        QVERIFY(m == -1 || !top.count(m));
}

// visionzip/clip_encoder.py: members join the target whose head-mean key is most cosine-similar;
// contextual = target + Σ members / max(count, 1). Dominant rows pass unchanged.
void TestVisionZip::contextualAreTargetPlusMembersMean()
{
    const Fixture f(0.5);   // k = 18: 15 dominant, 3 contextual
    const TokenSelection s = VisionZipSelector().select(f.input(), 18);
    QVERIFY(s.keptEmbeddings.defined());
    QCOMPARE(s.keptEmbeddings.size(0), std::int64_t(18));
    QCOMPARE(s.mergedInto.size(), std::size_t(36));

    // The reference, from the scores alone: dominant = top 15, targets = remaining[0, 7, 14]
    // (stride ⌊21/3⌋ = 7), members = the other remaining tokens.
    std::vector<std::int64_t> order(36);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return s.scores[a] > s.scores[b]; });
    const std::set<std::int64_t> dominant(order.begin(), order.begin() + 15);
    std::vector<std::int64_t> remaining;
    for (std::int64_t i = 0; i < 36; ++i)
        if (!dominant.count(i))
            remaining.push_back(i);
    const std::vector<std::int64_t> targets{remaining[0], remaining[7], remaining[14]};
    std::map<std::int64_t, torch::Tensor> expected;
    std::map<std::int64_t, int> members;
    for (std::int64_t t : targets)
        expected[t] = torch::zeros({8});
    for (std::int64_t j : remaining) {
        if (std::find(targets.begin(), targets.end(), j) != targets.end())
            continue;
        std::int64_t best = -1;
        double bestCos = -2;
        for (std::int64_t t : targets) {
            const auto a = f.tokenKey(j), b = f.tokenKey(t);
            const double cos = (a.dot(b) / (a.norm() * b.norm())).item<double>();
            if (cos > bestCos)
                bestCos = cos, best = t;
        }
        QCOMPARE(s.mergedInto[std::size_t(j)], int(best));
        expected[best] += f.visual[j];
        ++members[best];
    }
    for (std::int64_t t : targets)
        expected[t] = f.visual[t] + expected[t] / std::max(1, members[t]);

    for (std::size_t row = 0; row < s.kept.size(); ++row) {
        const std::int64_t i = s.kept[row];
        QCOMPARE(s.mergedInto[std::size_t(i)], -1);
        const torch::Tensor want = dominant.count(i) ? f.visual[i] : expected.at(i);
        QVERIFY2(torch::allclose(s.keptEmbeddings[std::int64_t(row)], want, 1e-5, 1e-5),
                 qPrintable(QString("row %1 (token %2)").arg(row).arg(i)));
    }
}

void TestVisionZip::noContextualMeansTopK()
{
    const Fixture f(0.5, {{"contextual_fraction", 0.0}});
    const TokenSelection s = VisionZipSelector().select(f.input(), 18);
    QCOMPARE(s.kept, topKSorted(tokenClsAttention(f.input()), 18));
    QVERIFY(!s.keptEmbeddings.defined());
    QVERIFY(std::all_of(s.mergedInto.begin(), s.mergedInto.end(), [](int m) { return m == -1; }));
}

void TestVisionZip::engineRun()
{
    const RunResult r = test::runOnTinyFixture("visionzip", "visionzip", 0.5);   // 3 tiles × 4 tokens
    QCOMPARE(int(r.plan.tokens.size()), 12);
    QCOMPARE(r.plan.tokensSent, 6);
    QCOMPARE(r.promptTokens, r.textTokens + 6);
    QCOMPARE(int(std::count_if(r.plan.tokens.begin(), r.plan.tokens.end(), [](const VisualToken &t) { return t.kept; })), 6);
    QCOMPARE(r.plan.method, std::string("visionzip"));
}

QTEST_APPLESS_MAIN(TestVisionZip)
#include "tst_visionzip.moc"
