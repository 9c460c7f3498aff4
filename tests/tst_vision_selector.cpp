// SPDX-License-Identifier: MIT
// VisionSelector: the scorer against a hand computation, global sorted Top-K with original
// position ids, budgets through the Engine, and the selector file's error messages.

#include "compress/vision_selector.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "io/safetensors.h"
#include "pipeline/engine.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace tokenscope;

namespace {

torch::Tensor matrix(const std::vector<std::vector<double>> &rows)
{
    std::vector<float> flat;
    for (const auto &r : rows)
        flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat).reshape({std::int64_t(rows.size()), std::int64_t(rows[0].size())});
}

torch::Tensor values(const std::vector<double> &v)
{
    return torch::tensor(std::vector<float>(v.begin(), v.end()));
}

// A plan of `tiles` tiles with `perTile` tokens each, in order.
CompressionPlan planOf(int tiles, int perTile)
{
    CompressionPlan plan;
    for (int t = 0; t < tiles; ++t)
        for (int i = 0; i < perTile; ++i)
            plan.tokens.push_back({t, i % 2, i / 2, {}, 0.0f, true, -1});
    plan.tokensBeforeCompression = tiles * perTile;
    plan.tokensSent = tiles * perTile;
    return plan;
}

std::vector<std::byte> floatBytes(std::int64_t count, float value)
{
    std::vector<float> values(std::size_t(count), value);
    std::vector<std::byte> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

} // namespace

class TestVisionSelector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void scorerMatchesHandComputation();
    void topKIsGlobalSortedWithOriginalPositions();
    void budgetsThroughEngine_data();
    void budgetsThroughEngine();
    void composesAfterVir();
    void wrongWidthNamesFileAndShape();
    void missingSelectorNamesPath();

private:
    std::filesystem::path m_dir;
    std::filesystem::path m_model;
    std::filesystem::path m_image;
    std::unique_ptr<Engine> m_engine;
};

void TestVisionSelector::initTestCase()
{
    m_dir = test::scratchDir("vision_selector");
    m_model = m_dir / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    QVERIFY(std::filesystem::exists(m_model / "selector.safetensors"));
    m_image = m_dir / "wide.png";
    writePng(m_image, test::gradientImage(112, 56));   // 3 tiles × 4 tokens
    m_engine = Engine::load(m_model, {DeviceKind::Cpu, ComputeDType::Float32, 2});
}

void TestVisionSelector::scorerMatchesHandComputation()
{
    // D = 4, h = 2, N = 3.
    const std::vector<std::vector<double>> wq = {{0.5, -1.0, 0.25, 2.0}, {1.5, 0.0, -0.5, 1.0}};
    const std::vector<double> bq = {0.1, -0.2};
    const std::vector<std::vector<double>> wk = {{-0.3, 0.7, 1.0, 0.0}, {0.2, 0.2, -1.2, 0.4}};
    const std::vector<double> bk = {0.0, 0.5};
    const std::vector<std::vector<double>> x = {{1.0, 2.0, -1.0, 0.5}, {0.0, -1.0, 3.0, 1.0}, {2.0, 0.5, 0.5, -2.0}};
    const nn::ParameterMap selector{{"q_proj.weight", matrix(wq)},
                                    {"q_proj.bias", values(bq)},
                                    {"k_proj.weight", matrix(wk)},
                                    {"k_proj.bias", values(bk)}};
    const auto scores = visionSelectorScores(selector, matrix(x));
    QCOMPARE(scores.sizes().vec(), std::vector<std::int64_t>{3});

    auto project = [](const std::vector<std::vector<double>> &w, const std::vector<double> &b,
                      const std::vector<double> &v) {
        std::vector<double> out(b);
        for (std::size_t r = 0; r < w.size(); ++r)
            for (std::size_t c = 0; c < v.size(); ++c)
                out[r] += w[r][c] * v[c];
        return out;
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto q = project(wq, bq, x[i]);
        double sum = 0;
        for (const auto &xj : x) {
            const auto k = project(wk, bk, xj);
            sum += (q[0] * k[0] + q[1] * k[1]) / std::sqrt(2.0);   // the full q·k matrix, then the row mean
        }
        const double expected = sum / double(x.size());
        QVERIFY2(std::abs(scores[std::int64_t(i)].item<double>() - expected) < 1e-5,
                 qPrintable(QString("token %1: %2 vs %3").arg(i).arg(scores[std::int64_t(i)].item<double>()).arg(expected)));
    }
}

void TestVisionSelector::topKIsGlobalSortedWithOriginalPositions()
{
    // score_i = x_i0 / √2 (q = (x0, x1), mean key = (1, 0)): tile 1 holds the four best tokens,
    // listed out of order, so a per-tile quota or an unsorted top-k would show.
    const nn::ParameterMap selector{{"q_proj.weight", matrix({{1, 0, 0, 0}, {0, 1, 0, 0}})},
                                    {"q_proj.bias", values({0, 0})},
                                    {"k_proj.weight", matrix({{0, 0, 1, 0}, {0, 0, 0, 1}})},
                                    {"k_proj.bias", values({1, 0})}};
    const std::vector<double> x0 = {0.1, 0.2, 0.3, 0.4, 12, 10, 13, 11, 0.5, 0.6, 0.7, 0.8};
    std::vector<std::vector<double>> rows;
    for (double v : x0)
        rows.push_back({v, 0, 0, 0});
    const ModelConfig config = fixtureShape("tiny");
    const CompressionPlan plan = planOf(3, 4);
    const MethodChoice choice = chooseMethod("visionselector", 4.0 / 12.0);
    const SelectionInput input{config, plan, matrix(rows), {}, &selector, choice, 0, {}};
    const TokenSelection s = VisionSelector().select(input, 4);
    QCOMPARE(s.kept, (std::vector<std::int64_t>{4, 5, 6, 7}));
    QVERIFY(s.positions == PositionPolicy::OriginalWithGaps);
    QCOMPARE(int(s.scores.size()), 12);
    QVERIFY(std::abs(s.scores[6] - 13 / std::sqrt(2.0f)) < 1e-4);

    const TokenSelection three = VisionSelector().select(input, 3);
    QCOMPARE(three.kept, (std::vector<std::int64_t>{4, 6, 7}));   // 13, 12, 11 in index order
}

void TestVisionSelector::budgetsThroughEngine_data()
{
    QTest::addColumn<double>("budget");
    for (double b : {1.0, 0.5, 0.3, 0.1, 0.01})
        QTest::newRow(qPrintable(QString::number(b))) << b;
}

void TestVisionSelector::budgetsThroughEngine()
{
    QFETCH(double, budget);
    RunRequest request;
    request.imagePath = m_image;
    request.question = "What colour is the left half?";
    request.maxNewTokens = 2;
    applyMethodChoice(request, chooseMethod("visionselector", budget));
    const RunResult r = m_engine->run(request);
    const int kept = std::max(1, int(std::floor(budget * 12)));
    QCOMPARE(int(r.plan.tokens.size()), 12);
    QCOMPARE(r.plan.tokensSent, kept);
    QCOMPARE(r.promptTokens, r.textTokens + kept);
    QVERIFY(r.plan.positions == PositionPolicy::OriginalWithGaps);
    int flagged = 0;
    float lowest = INFINITY, highest = -INFINITY;
    for (const VisualToken &t : r.plan.tokens) {
        flagged += t.kept ? 1 : 0;
        lowest = std::min(lowest, t.score);
        highest = std::max(highest, t.score);
    }
    QCOMPARE(flagged, kept);
    QVERIFY(highest > lowest);   // the fixture's scorer is not constant
    // Every kept token scores at least as high as every dropped one.
    for (const VisualToken &a : r.plan.tokens)
        for (const VisualToken &b : r.plan.tokens)
            if (a.kept && !b.kept)
                QVERIFY(a.score >= b.score);
}

void TestVisionSelector::composesAfterVir()
{
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Count the shapes.";
    request.maxNewTokens = 2;
    applyMethodChoice(request, chooseMethod("vir+visionselector", 0.5));
    const RunResult r = m_engine->run(request);
    const int produced = int(r.plan.tokens.size());
    QVERIFY(produced >= 3 && produced <= 12);
    QCOMPARE(r.plan.tokensSent, keptCount(0.5, produced));
    QCOMPARE(r.promptTokens, r.textTokens + r.plan.tokensSent);
    QVERIFY(r.plan.positions == PositionPolicy::OriginalWithGaps);
}

void TestVisionSelector::wrongWidthNamesFileAndShape()
{
    const auto model = m_dir / "wrong-width";
    const ModelConfig config = fixtureShape("tiny");
    writeRandomCheckpoint(model, config, {});
    const std::int64_t d = config.llm.hiddenSize / 2, h = d / 2;   // a selector for half the width
    writeSafetensors(model / "selector.safetensors",
                     {{"k_proj.bias", DType::F32, {h}, floatBytes(h, 0)},
                      {"k_proj.weight", DType::F32, {h, d}, floatBytes(h * d, 0.01f)},
                      {"q_proj.bias", DType::F32, {h}, floatBytes(h, 0)},
                      {"q_proj.weight", DType::F32, {h, d}, floatBytes(h * d, 0.01f)}});
    const QString needs = QString("needs [%1, %2]").arg(config.llm.hiddenSize / 2).arg(config.llm.hiddenSize);
    test::expectError([&] { Engine::load(model, {}); },
                      {"selector.safetensors", QString("q_proj.weight has shape [%1, %2]").arg(h).arg(d),
                       QString("LLM width %1").arg(config.llm.hiddenSize), needs});
}

void TestVisionSelector::missingSelectorNamesPath()
{
    const auto model = m_dir / "no-selector";
    writeRandomCheckpoint(model, fixtureShape("tiny"), {});
    std::filesystem::remove(model / "selector.safetensors");
    const auto engine = Engine::load(model, {});   // optional: loading works without it
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Hello?";
    request.maxNewTokens = 1;
    applyMethodChoice(request, chooseMethod("visionselector", 0.5));
    test::expectError([&] { engine->run(request); },
                      {QString::fromStdString((model / "selector.safetensors").string()), "visionselector"});
    // Other methods still run without a selector.
    applyMethodChoice(request, chooseMethod("random", 0.5));
    QCOMPARE(engine->run(request).plan.tokensSent, 6);
}

QTEST_GUILESS_MAIN(TestVisionSelector)
#include "tst_vision_selector.moc"
