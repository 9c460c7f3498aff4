// SPDX-License-Identifier: MIT
// PyramidDrop: the schedule matches the reference's own numbers, each cut ranks the remaining visual
// rows as a naive last-row attention of the next layer does, the kept rows are renumbered and
// decoding continues each layer's numbering (cached decode equals a one-pass recomputation),
// lambda = 1 changes nothing, and the Engine reports the layer-averaged count and clear errors.

#include "common/error.h"
#include "compress/inside_llm.h"
#include "compress/token_selector.h"
#include "fixtures/random_checkpoint.h"
#include "model/internvl_model.h"
#include "naive_attention.h"
#include "pipeline/engine.h"
#include "test_prefill.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using namespace tokenscope;

namespace {

using test::kFirstVisual;
using test::kLength;
using test::kVisual;
using test::visualRows;

// What one cut saw and chose (recorded around the method's own keepRows).
struct CutRecord {
    int layer = 0;
    torch::Tensor hidden;
    std::vector<std::int64_t> rows, keep;
};

std::vector<LayerPruning> recorded(std::vector<LayerPruning> steps, std::vector<CutRecord> &out)
{
    for (LayerPruning &step : steps)
        step.keepRows = [rank = std::move(step.keepRows), layer = step.layer, &out](const PruningInput &in) {
            auto keep = rank(in);
            CutRecord r{layer, in.hidden.clone(), in.rows, {}};
            const auto k = keep.contiguous();
            r.keep.assign(k.data_ptr<std::int64_t>(), k.data_ptr<std::int64_t>() + k.numel());
            out.push_back(std::move(r));
            return keep;
        };
    return steps;
}

double maxDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestPyramidDrop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scheduleFollowsTheReference();
    void budgetSetsTheLayerAverage_data();
    void budgetSetsTheLayerAverage();
    void unreachableSchedulesAreErrors();
    void cutsRankByNaiveNextLayerAttention();
    void lambdaOneChangesNothing();
    void decodeAfterPruningEqualsRecomputation_data();
    void decodeAfterPruningEqualsRecomputation();
    void engineReportsTheLayerAverage();

private:
    std::vector<LayerPruning> steps(double lambda, InsideLlmSelection &selection) const;
    test::InsideLlmFixture m_fixture;
};

void TestPyramidDrop::initTestCase()
{
    m_fixture.load("pyramiddrop", 17);
}

std::vector<LayerPruning> TestPyramidDrop::steps(double lambda, InsideLlmSelection &selection) const
{
    const MethodChoice choice = chooseMethod("pyramiddrop", 0.5, {{"stages", 4.0}, {"lambda", lambda}});
    return makeInsideLlmPruning(choice, visualRows(), 0, selection, m_fixture.model->config().llm.numLayers);
}

// LLaVA-1.5's 32 layers, 576 visual tokens, layer_list [8,16,24], ratios [0.5,0.25,0.125]
// (the reference's scripts): the same cuts and counts.
void TestPyramidDrop::scheduleFollowsTheReference()
{
    const PyramidSchedule llava = pyramidSchedule(32, 4, 0.5, 1.0, 576);
    QCOMPARE(llava.layers, (std::vector<int>{8, 16, 24}));
    QCOMPARE(llava.keep, (std::vector<std::int64_t>{288, 144, 72}));
    QCOMPARE(llava.meanShare, (576.0 * 8 + 288 * 8 + 144 * 8 + 72 * 8) / (576.0 * 32));
    QCOMPARE(pyramidSchedule(28, 4, 0.5, 1.0, 256).layers, (std::vector<int>{7, 14, 21}));
    QCOMPARE(pyramidSchedule(4, 4, 0.5, 1.0, 8).layers, (std::vector<int>{1, 2, 3}));
    QCOMPARE(pyramidSchedule(4, 2, 0.5, 1.0, 8).layers, (std::vector<int>{2}));
    // int(N * ratio) floors, and every cut keeps at least one token.
    QCOMPARE(pyramidSchedule(4, 4, 0.3, 1.0, 10).keep, (std::vector<std::int64_t>{3, 1, 1}));
}

void TestPyramidDrop::budgetSetsTheLayerAverage_data()
{
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("stages");
    QTest::addColumn<double>("budget");
    QTest::newRow("32 layers, 4 stages, b=0.3") << 32 << 4 << 0.3;
    QTest::newRow("32 layers, 4 stages, b=0.6") << 32 << 4 << 0.6;
    QTest::newRow("28 layers, 7 stages, b=0.2") << 28 << 7 << 0.2;
    QTest::newRow("4 layers, 2 stages, b=0.75") << 4 << 2 << 0.75;
}

void TestPyramidDrop::budgetSetsTheLayerAverage()
{
    QFETCH(int, layers);
    QFETCH(int, stages);
    QFETCH(double, budget);
    const std::int64_t n = 4096;
    const PyramidSchedule s = pyramidSchedule(layers, stages, 0, budget, n);
    QVERIFY(s.lambda > 0 && s.lambda < 1);
    // Within what flooring each cut's count can take away: one token per layer.
    QVERIFY2(s.meanShare <= budget + 1e-9 && s.meanShare > budget - 1.0 / double(n),
             qPrintable(QString("layer-averaged share %1 for budget %2").arg(s.meanShare).arg(budget)));
    for (std::size_t i = 1; i < s.keep.size(); ++i)
        QVERIFY(s.keep[i] <= s.keep[i - 1]);
}

void TestPyramidDrop::unreachableSchedulesAreErrors()
{
    // 4 stages of 32 layers: the first 8 layers see every token, so no budget below 0.25.
    try {
        pyramidSchedule(32, 4, 0, 0.2, 576);
        QFAIL("a budget below the first part's share was accepted");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains("pyramiddrop") && what.contains("0.25") && what.contains("stages"), qPrintable(what));
    }
    for (int stages : {1, 5}) {
        try {
            pyramidSchedule(4, stages, 0.5, 1.0, 8);
            QFAIL("an out-of-range stage count was accepted");
        } catch (const Error &e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(QString("stages=%1").arg(stages)) && what.contains("[2, 4]"), qPrintable(what));
        }
    }
    // An explicit lambda needs no reachable budget.
    QCOMPARE(pyramidSchedule(32, 4, 0.1, 0.01, 576).keep, (std::vector<std::int64_t>{57, 5, 1}));
}

// Each cut: the hidden states entering layer K (as the prefill handed them to the cut), the last
// row's attention in layer K computed with loops (positions renumbered 0 .. L-1), the visual rows
// still present ranked by it.
void TestPyramidDrop::cutsRankByNaiveNextLayerAttention()
{
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    InsideLlmSelection selection;
    std::vector<CutRecord> cuts;
    KVCache cache = llm.newCache(kLength, torch::kFloat32);
    llm.prefill(m_fixture.embeds, cache, {}, recorded(steps(0.5, selection), cuts));
    QCOMPARE(int(cuts.size()), 3);

    std::vector<std::int64_t> expectedCounts{kVisual, 4, 2, 1};
    for (std::size_t s = 0; s < cuts.size(); ++s) {
        const CutRecord &cut = cuts[s];
        QCOMPARE(cut.layer, int(s) + 1);
        const std::vector<double> attention = test::naiveReceived(*m_fixture.model, cut.layer, cut.hidden, /*lastRowOnly=*/true);
        std::vector<std::int64_t> visualNow;
        std::vector<double> scores;
        for (std::size_t r = 0; r < cut.rows.size(); ++r)
            if (cut.rows[r] >= kFirstVisual && cut.rows[r] < kFirstVisual + kVisual) {
                visualNow.push_back(std::int64_t(r));
                scores.push_back(attention[r]);
            }
        QCOMPARE(std::int64_t(visualNow.size()), expectedCounts[s]);
        QCOMPARE(test::keptAmong(cut.keep, visualNow), test::topRows(visualNow, scores, expectedCounts[s + 1]));
        QCOMPARE(std::int64_t(cut.keep.size()), std::int64_t(cut.rows.size()) - expectedCounts[s] + expectedCounts[s + 1]);
    }
    // Layer l holds the rows its part kept; later layers count positions from the drop on.
    QCOMPARE(cache.layerLengths, (std::vector<std::int64_t>{14, 10, 8, 7}));
    QCOMPARE(cache.positionShift, (std::vector<std::int64_t>{0, 4, 6, 7}));
    QCOMPARE(cache.nextPosition, kLength);
    // Scores: the share of the LLM's layers that saw each token; the one survivor saw all of them.
    QCOMPARE(selection.kept.size(), std::size_t(1));
    QCOMPARE(selection.scores[std::size_t(selection.kept.front())], 1.0f);
    QCOMPARE(int(std::count(selection.scores.begin(), selection.scores.end(), 0.25f)), 4);
    QCOMPARE(int(std::count(selection.scores.begin(), selection.scores.end(), 0.5f)), 2);
    QCOMPARE(int(std::count(selection.scores.begin(), selection.scores.end(), 0.75f)), 1);
    QCOMPARE(selection.tokensSent, 4);   // (8 + 4 + 2 + 1) / 4 = 3.75 visual rows per layer
}

void TestPyramidDrop::lambdaOneChangesNothing()
{
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    KVCache plain = llm.newCache(kLength + 1, torch::kFloat32);
    const auto reference = llm.forward(m_fixture.embeds, plain, /*allLogits=*/true);
    InsideLlmSelection selection;
    KVCache cache = llm.newCache(kLength + 1, torch::kFloat32);
    const auto logits = llm.prefill(m_fixture.embeds, cache, {}, steps(1.0, selection), /*allLogits=*/true);
    QCOMPARE(std::int64_t(selection.kept.size()), kVisual);
    QVERIFY2(maxDiff(logits, reference) < 1e-5, qPrintable(QString("max abs diff %1").arg(maxDiff(logits, reference))));
    const auto next = torch::randn({1, llm.config().hiddenSize});
    QVERIFY(maxDiff(llm.forward(next, cache), llm.forward(next, plain)) < 1e-5);
}

void TestPyramidDrop::decodeAfterPruningEqualsRecomputation_data()
{
    QTest::addColumn<std::int64_t>("firstPosition");
    QTest::newRow("positions from 0") << std::int64_t(0);
    QTest::newRow("positions from 5") << std::int64_t(5);
}

// Two decode steps on the pruned cache against one pass over the prefill plus both new rows that
// keeps the same rows at the same cuts (and the new rows), renumbering as the method does.
void TestPyramidDrop::decodeAfterPruningEqualsRecomputation()
{
    QFETCH(std::int64_t, firstPosition);
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    const auto positions = torch::arange(kLength, torch::TensorOptions().dtype(torch::kInt64)) + firstPosition;
    const auto next = torch::randn({2, llm.config().hiddenSize});

    InsideLlmSelection selection;
    std::vector<CutRecord> cuts;
    KVCache cache = llm.newCache(kLength + 2, torch::kFloat32);
    const auto prefillLogits = llm.prefill(m_fixture.embeds, cache, positions, recorded(steps(0.5, selection), cuts));
    const auto step1 = llm.forward(next.slice(0, 0, 1), cache);
    const auto step2 = llm.forward(next.slice(0, 1, 2), cache);

    std::vector<LayerPruning> fixed;
    for (const CutRecord &cut : cuts) {
        LayerPruning p;
        p.layer = cut.layer;
        p.renumberPositions = true;
        std::vector<std::int64_t> keep = cut.keep;
        const auto count = std::int64_t(cut.rows.size());
        keep.push_back(count);       // the two new rows follow the prompt in every part
        keep.push_back(count + 1);
        p.keepRows = [keep](const PruningInput &) { return torch::tensor(keep, torch::TensorOptions().dtype(torch::kInt64)); };
        fixed.push_back(std::move(p));
    }
    KVCache once = llm.newCache(kLength + 2, torch::kFloat32);
    const auto all = torch::cat({positions, torch::tensor({kLength + firstPosition, kLength + firstPosition + 1}, torch::kInt64)});
    const auto reference = llm.prefill(torch::cat({m_fixture.embeds, next}), once, all, fixed, /*allLogits=*/true);
    const auto n = reference.size(0);
    const double d0 = maxDiff(prefillLogits, reference.slice(0, n - 3, n - 2));
    const double d1 = maxDiff(step1, reference.slice(0, n - 2, n - 1));
    const double d2 = maxDiff(step2, reference.slice(0, n - 1, n));
    QVERIFY2(d0 < 1e-5 && d1 < 1e-5 && d2 < 1e-5, qPrintable(QString("max abs diffs %1 %2 %3").arg(d0).arg(d1).arg(d2)));

    // Renumbering matters: the same cuts keeping original positions give other logits.
    for (LayerPruning &p : fixed)
        p.renumberPositions = false;
    KVCache kept = llm.newCache(kLength + 2, torch::kFloat32);
    const auto unrenumbered = llm.prefill(torch::cat({m_fixture.embeds, next}), kept, all, fixed, true);
    QVERIFY(maxDiff(unrenumbered.slice(0, n - 1, n), step2) > 1e-5);
}

void TestPyramidDrop::engineReportsTheLayerAverage()
{
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(test::gradientImage(112, 56));
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 3;
    const int layers = m_fixture.engine->config().llm.numLayers;
    // Two stages: the layers before the cut see every token, the rest lambda of them; this budget
    // asks for lambda = 0.5.
    const int cut = pyramidSchedule(layers, 2, 0.5, 1.0, 1).layers.front();
    const double budget = (cut + 0.5 * (layers - cut)) / layers;
    applyMethodChoice(request, chooseMethod("pyramiddrop", budget, {{"stages", 2.0}}));
    const RunResult r = m_fixture.engine->run(request);
    const int n = static_cast<int>(r.plan.tokens.size());
    const PyramidSchedule schedule = pyramidSchedule(layers, 2, 0, budget, n);
    QVERIFY(std::abs(schedule.lambda - 0.5) < 1e-9);
    QCOMPARE(r.plan.tokensSent, int(std::lround(schedule.meanShare * n)));
    int kept = 0;
    for (const VisualToken &t : r.plan.tokens)
        kept += t.kept;
    QCOMPARE(kept, int(schedule.keep.back()));
    QVERIFY(r.flops.plan.llm() < r.flops.full.llm());
    QCOMPARE(r.promptTokens, r.textTokens + n);   // the prefill starts with every visual token

    applyMethodChoice(request, chooseMethod("pyramiddrop", 0.1, {{"stages", 2.0}}));
    try {
        m_fixture.engine->run(request);
        QFAIL("a budget two stages cannot reach was accepted");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("at least"), e.what());
    }
    applyMethodChoice(request, chooseMethod("pyramiddrop", budget, {{"stages", double(layers + 1)}}));
    QVERIFY_THROWS_EXCEPTION(Error, m_fixture.engine->run(request));
}

QTEST_GUILESS_MAIN(TestPyramidDrop)
#include "tst_pyramiddrop.moc"
