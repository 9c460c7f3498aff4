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
    torch::Tensor visual = torch::randn({36, 8});
    MethodChoice choice;

    explicit Fixture(double budget, std::map<std::string, double> parameters = {})
        : choice(chooseMethod("visionzip", budget, parameters)) {}
    SelectionInput input() const
    {
        return SelectionInput{config, plan, visual, torch::Tensor(), cls, nullptr, choice, 0};
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
    void contextualAreGroupMeans();
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

void TestVisionZip::contextualAreGroupMeans()
{
    const Fixture f(0.5);
    const TokenSelection s = VisionZipSelector().select(f.input(), 18);
    QVERIFY(s.keptEmbeddings.defined());
    QCOMPARE(s.keptEmbeddings.size(0), std::int64_t(18));
    QCOMPARE(s.mergedInto.size(), std::size_t(36));
    const std::set<std::int64_t> kept(s.kept.begin(), s.kept.end());

    std::vector<std::int64_t> targets;
    for (std::int64_t i = 0; i < 36; ++i) {
        if (kept.count(i)) {
            QCOMPARE(s.mergedInto[std::size_t(i)], -1);
            continue;
        }
        // Every dropped token is merged, into a kept token that is a target.
        const int m = s.mergedInto[std::size_t(i)];
        QVERIFY(m >= 0 && kept.count(m));
        if (std::find(targets.begin(), targets.end(), m) == targets.end())
            targets.push_back(m);
    }
    const auto unit = torch::nn::functional::normalize(f.visual, torch::nn::functional::NormalizeFuncOptions().dim(1));
    for (std::size_t row = 0; row < s.kept.size(); ++row) {
        const std::int64_t i = s.kept[row];
        std::vector<std::int64_t> group{i};
        for (std::int64_t j = 0; j < 36; ++j)
            if (s.mergedInto[std::size_t(j)] == i)
                group.push_back(j);
        auto expected = torch::zeros({8});
        for (std::int64_t j : group)
            expected += f.visual[j];
        expected /= double(group.size());
        QVERIFY2(torch::allclose(s.keptEmbeddings[std::int64_t(row)], expected, 1e-5, 1e-6),
                 qPrintable(QString("row %1 (token %2, %3 members)").arg(row).arg(i).arg(group.size() - 1)));
    }
    // Each member chose its most similar target.
    for (std::int64_t j = 0; j < 36; ++j) {
        const int m = s.mergedInto[std::size_t(j)];
        if (m < 0)
            continue;
        const float own = unit[j].dot(unit[m]).item<float>();
        for (std::int64_t t : targets)
            QVERIFY(unit[j].dot(unit[t]).item<float>() <= own + 1e-6f);
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
