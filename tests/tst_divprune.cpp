// SPDX-License-Identifier: MIT
// DivPrune: the greedy max–min order against a brute-force reference in double, tie rules,
// determinism, sorted kept indices and a run through the Engine.

#include "compress/divprune.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace tokenscope;

namespace {

using Rows = std::vector<std::vector<double>>;

Rows randomRows(std::uint64_t seed, int n, int d)
{
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Rows rows(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(d)));
    for (auto &r : rows)
        for (double &v : r)
            v = double(float(uniform(engine)));   // exactly representable in the float tensor
    return rows;
}

torch::Tensor tensorOf(const Rows &rows)
{
    std::vector<float> flat;
    for (const auto &r : rows)
        flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat).reshape({std::int64_t(rows.size()), std::int64_t(rows[0].size())});
}

// The definition, written out independently: all pairwise 1 − cos, the first pick maximises the
// nearest-neighbour distance, each next pick maximises the minimum distance to the picks; strict
// comparisons, so ties go to the lower index.
std::vector<std::int64_t> bruteForceOrder(const Rows &x)
{
    const std::size_t n = x.size();
    std::vector<std::vector<double>> dist(n, std::vector<double>(n));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double dot = 0, ni = 0, nj = 0;
            for (std::size_t c = 0; c < x[i].size(); ++c) {
                dot += x[i][c] * x[j][c];
                ni += x[i][c] * x[i][c];
                nj += x[j][c] * x[j][c];
            }
            dist[i][j] = 1.0 - dot / std::sqrt(ni * nj);
        }
    std::vector<std::int64_t> order;
    std::vector<bool> chosen(n, false);
    std::size_t first = 0;
    double best = -1;
    for (std::size_t i = 0; i < n; ++i) {
        double nearest = INFINITY;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i)
                nearest = std::min(nearest, dist[i][j]);
        if (nearest > best) {
            best = nearest;
            first = i;
        }
    }
    order.push_back(std::int64_t(first));
    chosen[first] = true;
    while (order.size() < n) {
        std::size_t pick = n;
        double farthest = -INFINITY;
        for (std::size_t j = 0; j < n; ++j) {
            if (chosen[j])
                continue;
            double m = INFINITY;
            for (std::int64_t s : order)
                m = std::min(m, dist[std::size_t(s)][j]);
            if (m > farthest) {
                farthest = m;
                pick = j;
            }
        }
        order.push_back(std::int64_t(pick));
        chosen[pick] = true;
    }
    return order;
}

TokenSelection runSelector(const torch::Tensor &tokens, std::int64_t keep)
{
    const ModelConfig config = fixtureShape("tiny");
    CompressionPlan plan;
    plan.tokens.resize(std::size_t(tokens.size(0)));
    const MethodChoice choice = chooseMethod("divprune", 1.0);
    const SelectionInput input{config, plan, tokens, {}, nullptr, choice, 0, {}};
    return DivPruneSelector().select(input, keep);
}

} // namespace

class TestDivPrune : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesBruteForce_data();
    void matchesBruteForce();
    void tiesGoToTheLowerIndexWithoutRepeats();
    void deterministic();
    void throughEngine();
};

void TestDivPrune::matchesBruteForce_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("dim");
    for (quint64 seed : {1u, 2u, 3u, 4u, 5u})
        QTest::newRow(qPrintable(QString("seed %1").arg(seed))) << seed << int(3 + seed);
}

void TestDivPrune::matchesBruteForce()
{
    QFETCH(quint64, seed);
    QFETCH(int, dim);
    const Rows rows = randomRows(seed, 8, dim);
    const auto tokens = tensorOf(rows);
    const std::vector<std::int64_t> reference = bruteForceOrder(rows);
    QCOMPARE(divPruneOrder(tokens, 8), reference);
    for (std::int64_t k = 1; k <= 8; ++k) {
        std::vector<std::int64_t> expected(reference.begin(), reference.begin() + k);
        std::sort(expected.begin(), expected.end());
        const TokenSelection s = runSelector(tokens, k);
        QCOMPARE(s.kept, expected);
        QCOMPARE(int(s.scores.size()), 8);
        QCOMPARE(s.scores[std::size_t(reference[0])], 1.0f);   // the first pick scores highest
        for (std::int64_t i = 0; i < 8; ++i)
            QCOMPARE(s.scores[std::size_t(i)] > 0.0f,
                     std::binary_search(expected.begin(), expected.end(), i));
    }
}

void TestDivPrune::tiesGoToTheLowerIndexWithoutRepeats()
{
    // Three distinct directions, each twice: every nearest-neighbour distance is 0.
    const Rows rows = {{1, 0, 0}, {2, 0, 0}, {0, 1, 0}, {0, 3, 0}, {0, 0, 1}, {0, 0, 1}};
    const auto tokens = tensorOf(rows);
    QCOMPARE(runSelector(tokens, 3).kept, (std::vector<std::int64_t>{0, 2, 4}));
    QCOMPARE(runSelector(tokens, 6).kept, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
    QCOMPARE(divPruneOrder(tokens, 6), bruteForceOrder(rows));
}

void TestDivPrune::deterministic()
{
    const auto tokens = tensorOf(randomRows(42, 64, 16));
    const TokenSelection a = runSelector(tokens, 20), b = runSelector(tokens, 20);
    QCOMPARE(a.kept, b.kept);
    QCOMPARE(a.scores, b.scores);
    QVERIFY(std::is_sorted(a.kept.begin(), a.kept.end()));
    QVERIFY(std::adjacent_find(a.kept.begin(), a.kept.end()) == a.kept.end());
}

void TestDivPrune::throughEngine()
{
    const auto dir = test::scratchDir("divprune");
    writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
    writePng(dir / "wide.png", test::gradientImage(112, 56));   // 3 tiles × 4 tokens
    const auto engine = Engine::load(dir / "tiny", {DeviceKind::Cpu, ComputeDType::Float32, 2});
    RunRequest request;
    request.imagePath = dir / "wide.png";
    request.question = "What colour is the left half?";
    request.maxNewTokens = 2;
    for (double budget : {1.0, 0.5, 0.1}) {
        applyMethodChoice(request, chooseMethod("divprune", budget));
        const RunResult r = engine->run(request);
        QCOMPARE(r.plan.tokensSent, keptCount(budget, 12));
        QCOMPARE(r.promptTokens, r.textTokens + r.plan.tokensSent);
        QVERIFY(r.plan.positions == PositionPolicy::Contiguous);
    }
}

QTEST_GUILESS_MAIN(TestDivPrune)
#include "tst_divprune.moc"
