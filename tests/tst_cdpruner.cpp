// SPDX-License-Identifier: MIT
// CDPruner: the fast greedy MAP against the definition (each step adds the item that maximises
// det(L_S) by brute force), the relevance-weighted kernel on real inputs, the relevance sign, a
// bad parameter value, and one run through the Engine.

#include "common/error.h"
#include "compress/cdpruner.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <set>

using namespace tokenscope;

namespace {

// Greedy MAP by its definition: each step adds the item whose inclusion gives the largest
// determinant of the selected principal submatrix.
std::vector<std::int64_t> bruteForceGreedy(const torch::Tensor &kernel, std::int64_t count)
{
    const auto l = kernel.to(torch::kFloat64);
    std::vector<std::int64_t> chosen;
    for (std::int64_t step = 0; step < count; ++step) {
        std::int64_t best = -1;
        double bestDet = -1;
        for (std::int64_t j = 0; j < l.size(0); ++j) {
            if (std::find(chosen.begin(), chosen.end(), j) != chosen.end())
                continue;
            auto subset = chosen;
            subset.push_back(j);
            const auto index = torch::tensor(subset, torch::kInt64);
            const double det = torch::det(l.index_select(0, index).index_select(1, index)).item<double>();
            if (det > bestDet) {
                bestDet = det;
                best = j;
            }
        }
        chosen.push_back(best);
    }
    return chosen;
}

CompressionPlan oneTilePlan()
{
    TiledImage image;
    image.tileSize = 112;
    image.tiles.push_back({0, 0, 0, false, RectF{0, 0, 112, 112}});
    return planForRatios(image, {TileRatio::Quarter}, {}, 4, 2);   // 16 tokens
}

} // namespace

class TestCdPruner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(17); }
    void greedyMapMatchesDeterminants();
    void selectionFollowsTheKernel();
    void badRelevanceValue();
    void engineRun();
};

void TestCdPruner::greedyMapMatchesDeterminants()
{
    // A positive definite kernel with uneven quality: L = diag(q)·(F Fᵀ + 0.1 I)·diag(q).
    const auto f = torch::randn({12, 5});
    const auto q = torch::rand({12}) + 0.2;
    const auto kernel = q.unsqueeze(1) * (f.matmul(f.t()) + 0.1 * torch::eye(12)) * q.unsqueeze(0);
    QCOMPARE(dppGreedyMap(kernel, 7), bruteForceGreedy(kernel, 7));
    QVERIFY(dppGreedyMap(kernel, 0).empty());

    // Rank 3: three picks by the DPP, then the rest by quality (diag), never a repeat or a NaN.
    const auto g = torch::randn({12, 3});
    const auto lowRank = q.unsqueeze(1) * g.matmul(g.t()) * q.unsqueeze(0);
    const auto order = dppGreedyMap(lowRank, 8);
    QCOMPARE(std::vector<std::int64_t>(order.begin(), order.begin() + 3), bruteForceGreedy(lowRank, 3));
    QCOMPARE(std::set<std::int64_t>(order.begin(), order.end()).size(), std::size_t(8));
    const auto diag = lowRank.diagonal();
    for (std::size_t i = 4; i < order.size(); ++i)
        QVERIFY(diag[order[i - 1]].item<float>() >= diag[order[i]].item<float>());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, dppGreedyMap(kernel, 13));
}

void TestCdPruner::selectionFollowsTheKernel()
{
    ModelConfig config;
    const CompressionPlan plan = oneTilePlan();
    const auto visual = torch::randn({16, 6});
    const auto question = torch::randn({3, 6});
    for (const char *sign : {"negative", "positive"}) {
        const MethodChoice choice = chooseMethod("cdpruner", 0.5, parseMethodParameters("cdpruner", std::string("relevance=") + sign));
        const SelectionInput input{config, plan, visual, {}, nullptr, choice, 0, question};
        const TokenSelection s = CdPrunerSelector().select(input, 6);

        // The kernel as the reference builds it, then greedy MAP by determinants.
        const auto x = torch::nn::functional::normalize(visual, torch::nn::functional::NormalizeFuncOptions().dim(-1));
        const auto t = torch::nn::functional::normalize(question, torch::nn::functional::NormalizeFuncOptions().dim(-1));
        auto relevance = x.matmul(t.t()).mean(-1) * (std::string(sign) == "negative" ? -1.0 : 1.0);
        relevance = (relevance - relevance.min() + 1e-6) / (relevance.max() - relevance.min());
        const auto kernel = relevance.unsqueeze(1) * x.matmul(x.t()) * relevance.unsqueeze(0);
        auto expected = bruteForceGreedy(kernel, 6);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(s.kept, expected);
        QCOMPARE(s.scores.size(), std::size_t(16));
        QVERIFY(*std::max_element(s.scores.begin(), s.scores.end()) <= 1.0f + 1e-5f);
    }
}

void TestCdPruner::badRelevanceValue()
{
    try {
        parseMethodParameters("cdpruner", "relevance=sideways");
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("'sideways' is not one of negative, positive"), e.what());
    }
}

void TestCdPruner::engineRun()
{
    const RunResult r = test::runOnTinyFixture("cdpruner", "cdpruner", 0.5);   // 3 tiles × 4 tokens
    QCOMPARE(r.plan.tokensSent, 6);
    QCOMPARE(r.promptTokens, r.textTokens + 6);
    QCOMPARE(int(std::count_if(r.plan.tokens.begin(), r.plan.tokens.end(), [](const VisualToken &t) { return t.kept; })), 6);
}

QTEST_APPLESS_MAIN(TestCdPruner)
#include "tst_cdpruner.moc"
