// SPDX-License-Identifier: MIT
// SparseVLM: the schedule reproduces the reference's counts on LLaVA's shape, the raters and the
// DPC-KNN merge match loop implementations of their definitions (and a hand-worked case), each
// cut ranks the visual rows by the raters' attention as a naive layer computes it and recycles
// the right rows into centres placed after the kept visual rows, decoding after the cuts equals a
// one-pass recomputation, and the Engine reports the layer average and clear errors.

#include "common/error.h"
#include "compress/sparsevlm.h"
#include "compress/token_selector.h"
#include "naive_attention.h"
#include "test_prefill.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace tokenscope;

namespace {

// A prefill with enough visual rows that a cut recycles into more than one centre.
constexpr std::int64_t kPrefix = 3, kVisualRows = 48, kText = 8, kRows = kPrefix + kVisualRows + kText;

std::vector<std::int64_t> visualRowsOfTest()
{
    std::vector<std::int64_t> rows(kVisualRows);
    std::iota(rows.begin(), rows.end(), kPrefix);
    return rows;
}

std::vector<std::vector<double>> toRows(const torch::Tensor &t)
{
    auto a = t.to(torch::kFloat64).contiguous();
    std::vector<std::vector<double>> out(std::size_t(a.size(0)));
    for (std::int64_t i = 0; i < a.size(0); ++i)
        out[std::size_t(i)].assign(a[i].data_ptr<double>(), a[i].data_ptr<double>() + a.size(1));
    return out;
}

double dot(const std::vector<double> &a, const std::vector<double> &b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += a[i] * b[i];
    return s;
}

// The raters with loops: mean over visual rows of the softmax over text rows of v·t, above its mean.
std::vector<std::int64_t> naiveRaters(const torch::Tensor &embeds, std::int64_t firstVisual, std::int64_t visual)
{
    const auto rows = toRows(embeds);
    const std::int64_t textStart = firstVisual + visual, text = std::int64_t(rows.size()) - textStart;
    std::vector<double> m(std::size_t(text), 0);
    for (std::int64_t v = firstVisual; v < textStart; ++v) {
        std::vector<double> s;
        for (std::int64_t t = 0; t < text; ++t)
            s.push_back(dot(rows[std::size_t(v)], rows[std::size_t(textStart + t)]));
        const double top = *std::max_element(s.begin(), s.end());
        double sum = 0;
        for (double &x : s)
            sum += (x = std::exp(x - top));
        for (std::int64_t t = 0; t < text; ++t)
            m[std::size_t(t)] += s[std::size_t(t)] / sum / double(visual);
    }
    const double mean = std::accumulate(m.begin(), m.end(), 0.0) / double(text);
    std::vector<std::int64_t> raters;
    for (std::int64_t t = 0; t < text; ++t)
        if (m[std::size_t(t)] > mean)
            raters.push_back(textStart + t);
    return raters;
}

// cluster_and_merge with loops, in double.
std::vector<std::vector<double>> naiveMerge(const std::vector<std::vector<double>> &x, std::size_t clusters)
{
    const std::size_t n = x.size(), c = x.front().size();
    std::vector<std::vector<double>> dist(n, std::vector<double>(n));
    double farthest = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::size_t e = 0; e < c; ++e)
                s += (x[i][e] - x[j][e]) * (x[i][e] - x[j][e]);
            dist[i][j] = std::sqrt(s) / std::sqrt(double(c));
            farthest = std::max(farthest, dist[i][j]);
        }
    std::vector<double> density(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> d = dist[i];
        std::sort(d.begin(), d.end());
        double s = 0;
        for (std::size_t k = 0; k < clusters; ++k)
            s += d[k] * d[k];
        density[i] = std::exp(-s / double(clusters));
    }
    std::vector<std::pair<double, std::size_t>> score;
    for (std::size_t i = 0; i < n; ++i) {
        double delta = farthest;
        for (std::size_t j = 0; j < n; ++j)
            if (density[j] > density[i] || (density[j] == density[i] && j < i))
                delta = std::min(delta, dist[i][j]);
        score.push_back({-delta * density[i], i});
    }
    std::stable_sort(score.begin(), score.end(), [](auto a, auto b) { return a.first < b.first; });
    std::vector<std::vector<double>> sums(clusters, std::vector<double>(c, 0));
    std::vector<double> counts(clusters, 0);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t best = 0;
        for (std::size_t k = 0; k < clusters; ++k) {
            if (score[k].second == i) {
                best = k;
                break;
            }
            if (dist[score[k].second][i] < dist[score[best].second][i])
                best = k;
        }
        counts[best] += 1;
        for (std::size_t e = 0; e < c; ++e)
            sums[best][e] += x[i][e];
    }
    for (std::size_t k = 0; k < clusters; ++k)
        for (double &v : sums[k])
            v /= counts[k] + 1e-6;
    return sums;
}

double maxDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

torch::Tensor fromRows(const std::vector<std::vector<double>> &rows)
{
    std::vector<double> flat;
    for (const auto &r : rows)
        flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat, torch::kFloat64).view({std::int64_t(rows.size()), std::int64_t(rows.front().size())});
}

// What each cut saw, kept and inserted (recorded around the method's own callbacks).
struct CutRecord {
    torch::Tensor hidden;
    std::vector<std::int64_t> rows, keep;
    InsertedRows inserted;
};

std::vector<LayerPruning> recorded(std::vector<LayerPruning> steps, std::vector<CutRecord> &out)
{
    for (LayerPruning &step : steps) {
        step.keepRows = [rank = std::move(step.keepRows), &out](const PruningInput &in) {
            auto keep = rank(in).contiguous();
            CutRecord r{in.hidden.clone(), in.rows, {}, {}};
            r.keep.assign(keep.data_ptr<std::int64_t>(), keep.data_ptr<std::int64_t>() + keep.numel());
            out.push_back(std::move(r));
            return keep;
        };
        step.insertRows = [insert = std::move(step.insertRows), &out](const PruningInput &in,
                                                                      const std::vector<std::int64_t> &keep) {
            InsertedRows rows = insert(in, keep);
            out.back().inserted = InsertedRows{rows.hidden.clone(), rows.after};
            return rows;
        };
    }
    return steps;
}

// The rows a cut hands to the next layer: the kept ones with the centres inserted.
torch::Tensor afterCut(const CutRecord &cut)
{
    auto kept = cut.hidden.index_select(0, torch::tensor(cut.keep));
    const auto split = cut.inserted.after + 1;
    return torch::cat({kept.slice(0, 0, split), cut.inserted.hidden, kept.slice(0, split)});
}

} // namespace

class TestSparseVlm : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scheduleFollowsTheReference();
    void scheduleErrors();
    void ratersFollowTheDefinition();
    void mergeFindsTheObviousClusters();
    void mergeFollowsTheDefinition();
    void cutsFollowANaiveReference();
    void decodeAfterPruningEqualsRecomputation();
    void engineReportsTheLayerAverage();

private:
    test::InsideLlmFixture m_fixture;
    torch::Tensor m_embeds;   // [kRows, hidden]
};

void TestSparseVlm::initTestCase()
{
    m_fixture.load("sparsevlm", 23);
    m_embeds = torch::randn({kRows, m_fixture.model->config().llm.hiddenSize});
}

// LLaVA-1.5: 32 layers, 576 tokens; the retained settings of score.py give its counts exactly.
void TestSparseVlm::scheduleFollowsTheReference()
{
    const SparseVlmSchedule s192 = sparseVlmSchedule(32, 192.0 / 576, 576);
    QCOMPARE(s192.layers, (std::vector<int>{3, 7, 16}));   // ranked at layers 2, 6, 15
    QCOMPARE(s192.keep, (std::vector<std::int64_t>{300, 200, 110}));
    QCOMPARE(s192.retained, 192);
    // 276 dropped -> 83 recycled -> 9 centres; 109 -> 33 -> 4; 94 -> 29 -> 3.
    QCOMPARE(s192.rowsFrom, (std::vector<std::int64_t>{309, 204, 113}));
    QCOMPARE(s192.meanShare, (3.0 * 576 + 4 * 309 + 9 * 204 + 16 * 113) / (32.0 * 576));
    QCOMPARE(sparseVlmSchedule(32, 128.0 / 576, 576).keep, (std::vector<std::int64_t>{303, 110, 36}));
    QCOMPARE(sparseVlmSchedule(32, 96.0 / 576, 576).keep, (std::vector<std::int64_t>{238, 48, 26}));
    QCOMPARE(sparseVlmSchedule(32, 64.0 / 576, 576).keep, (std::vector<std::int64_t>{66, 30, 17}));
    // Other budgets scale the nearest setting's counts by b*N/R; other depths scale the layers.
    QCOMPARE(sparseVlmSchedule(32, 0.5, 576).keep, (std::vector<std::int64_t>{450, 300, 165}));
    QCOMPARE(sparseVlmSchedule(32, 0.1, 576).retained, 64);
    QCOMPARE(sparseVlmSchedule(28, 0.3, 256).layers, (std::vector<int>{3, 6, 14}));
    QCOMPARE(sparseVlmSchedule(4, 0.3, 256).layers, (std::vector<int>{1, 2, 3}));
    // Two layers: every cut lands on layer 1, the last count wins.
    const SparseVlmSchedule shallow = sparseVlmSchedule(2, 192.0 / 576, 576);
    QCOMPARE(shallow.layers, (std::vector<int>{1}));
    QCOMPARE(shallow.keep, (std::vector<std::int64_t>{110}));
    QCOMPARE(sparseVlmRecycled(276), std::int64_t(83));
    QCOMPARE(sparseVlmClusters(83), std::int64_t(9));
    QCOMPARE(sparseVlmClusters(9), std::int64_t(1));
}

void TestSparseVlm::scheduleErrors()
{
    test::expectError([] { sparseVlmSchedule(1, 0.3, 64); }, {"method 'sparsevlm'", "at least 2 layers", "has 1"});
    test::expectError([] { sparseVlmSchedule(4, 0.0, 64); }, {"method 'sparsevlm'", "budget"});
}

void TestSparseVlm::ratersFollowTheDefinition()
{
    const auto raters = sparseVlmRaters(m_embeds, visualRowsOfTest());
    QCOMPARE(raters, naiveRaters(m_embeds, kPrefix, kVisualRows));
    QVERIFY(!raters.empty() && std::int64_t(raters.size()) < kText);
}

// Three points near the origin and two near (10, 10): two clusters, each the mean of its group.
void TestSparseVlm::mergeFindsTheObviousClusters()
{
    const auto x = torch::tensor({0.0, 0.0, 0.1, 0.0, 10.0, 10.0, 0.0, 0.1, 10.1, 10.0}, torch::kFloat32).view({5, 2});
    const auto merged = sparseVlmMerge(x, 2);
    QCOMPARE(merged.size(0), std::int64_t(2));
    QCOMPARE(merged.size(1), std::int64_t(2));
    const auto a = torch::tensor({0.1 / 3, 0.1 / 3}, torch::kFloat32), b = torch::tensor({10.05, 10.0}, torch::kFloat32);
    const bool aFirst = maxDiff(merged[0], a) < 1e-4;
    QVERIFY(aFirst ? maxDiff(merged[1], b) < 1e-4 : maxDiff(merged[0], b) < 1e-4 && maxDiff(merged[1], a) < 1e-4);
}

void TestSparseVlm::mergeFollowsTheDefinition()
{
    at::manual_seed(5);
    for (std::int64_t clusters : {1, 3, 6}) {
        // Clumps of points, so that densities and centres are not a coin toss.
        const auto x = torch::randn({37, 6}) + 3 * torch::randint(0, 4, {37, 1}).to(torch::kFloat32);
        const auto merged = sparseVlmMerge(x, clusters);
        const auto expected = fromRows(naiveMerge(toRows(x), std::size_t(clusters)));
        QVERIFY2(maxDiff(merged, expected) < 1e-5, qPrintable(QString("clusters %1: max abs diff %2")
                                                                    .arg(clusters)
                                                                    .arg(maxDiff(merged, expected))));
    }
}

// Each cut: the rows entering layer K-1 (the previous cut's output), the raters' attention in that
// layer with loops, the visual rows still present (originals and centres) ranked by it, the top
// 30% + 1 of the dropped ones merged into centres right after the kept visual rows.
void TestSparseVlm::cutsFollowANaiveReference()
{
    torch::NoGradGuard noGrad;
    const InternVLModel &model = *m_fixture.model;
    const int layers = model.config().llm.numLayers;
    const SparseVlmSchedule schedule = sparseVlmSchedule(layers, 0.1, kVisualRows);
    QCOMPARE(schedule.layers, (std::vector<int>{1, 2, 3}));
    QCOMPARE(schedule.keep, (std::vector<std::int64_t>{5, 2, 1}));
    QCOMPARE(schedule.rowsFrom, (std::vector<std::int64_t>{7, 3, 2}));   // 43 dropped -> 13 -> 2 centres

    InsideLlmSelection selection;
    std::vector<CutRecord> cuts;
    KVCache cache = model.language().newCache(kRows, torch::kFloat32);
    model.language().prefill(m_embeds, cache, {}, recorded(sparseVlmSteps(schedule, layers, visualRowsOfTest(), selection), cuts));
    QCOMPARE(cuts.size(), std::size_t(3));

    const std::vector<std::int64_t> raters = naiveRaters(m_embeds, kPrefix, kVisualRows);
    torch::Tensor layerInput = m_embeds;
    std::int64_t visualCount = kVisualRows;
    for (std::size_t s = 0; s < cuts.size(); ++s) {
        const CutRecord &cut = cuts[s];
        std::vector<std::int64_t> raterRows, visualNow;
        for (std::size_t r = 0; r < cut.rows.size(); ++r) {
            if (std::find(raters.begin(), raters.end(), cut.rows[r]) != raters.end())
                raterRows.push_back(std::int64_t(r));
            if (cut.rows[r] == kInsertedRow || (cut.rows[r] >= kPrefix && cut.rows[r] < kPrefix + kVisualRows))
                visualNow.push_back(std::int64_t(r));
        }
        QCOMPARE(std::int64_t(visualNow.size()), visualCount);
        QCOMPARE(raterRows.size(), raters.size());
        const auto attention = test::naiveReceivedFrom(model, schedule.layers[s] - 1, layerInput, raterRows);
        std::vector<double> scores;
        for (std::int64_t r : visualNow)
            scores.push_back(attention[std::size_t(r)]);
        const auto keep = std::min(schedule.keep[s], visualCount - 1);
        const std::vector<std::int64_t> expected = test::topRows(visualNow, scores, keep);
        QCOMPARE(test::keptAmong(cut.keep, visualNow), expected);

        // Recycled: the dropped rows with the highest scores, merged; placed after the kept visual rows.
        std::vector<std::pair<double, std::int64_t>> dropped;
        for (std::size_t i = 0; i < visualNow.size(); ++i)
            if (std::find(expected.begin(), expected.end(), visualNow[i]) == expected.end())
                dropped.push_back({-scores[i], visualNow[i]});
        std::stable_sort(dropped.begin(), dropped.end(), [](auto a, auto b) { return a.first < b.first; });
        dropped.resize(std::size_t(sparseVlmRecycled(std::int64_t(dropped.size()))));
        std::vector<std::vector<double>> recycledRows;
        for (const auto &d : dropped)
            recycledRows.push_back(toRows(cut.hidden[d.second].unsqueeze(0)).front());
        const auto centres = fromRows(naiveMerge(recycledRows, std::size_t(sparseVlmClusters(std::int64_t(dropped.size())))));
        QCOMPARE(cut.inserted.hidden.size(0), centres.size(0));
        QVERIFY2(maxDiff(cut.inserted.hidden, centres) < 1e-4, qPrintable(QString("cut %1: centres differ by %2")
                                                                                  .arg(s)
                                                                                  .arg(maxDiff(cut.inserted.hidden, centres))));
        QCOMPARE(cut.inserted.after, kPrefix + keep - 1);
        visualCount = keep + centres.size(0);
        QCOMPARE(visualCount, schedule.rowsFrom[s]);
        layerInput = afterCut(cut);
    }
    // Layer l holds the rows before its cut; positions are renumbered at every cut.
    QCOMPARE(cache.layerLengths, (std::vector<std::int64_t>{kRows, kRows - 48 + 7, kRows - 48 + 3, kRows - 48 + 2}));
    QCOMPARE(cache.positionShift, (std::vector<std::int64_t>{0, 41, 45, 46}));
    // Scores: the share of the layers that saw each token; the kept ones are the originals left.
    QVERIFY(selection.kept.size() <= 1);
    for (std::int64_t i : selection.kept)
        QCOMPARE(selection.scores[std::size_t(i)], 1.0f);
    QCOMPARE(int(std::count(selection.scores.begin(), selection.scores.end(), 0.25f)), 43);
    QCOMPARE(selection.tokensSent, int(std::lround(schedule.meanShare * kVisualRows)));
    QCOMPARE(selection.visualRowsFrom, (std::vector<std::pair<int, int>>{{1, 7}, {2, 3}, {3, 2}}));
}

// Two decode steps on the pruned cache against one pass over the prefill plus both new rows that
// keeps the same rows and inserts the same centres at the same cuts.
void TestSparseVlm::decodeAfterPruningEqualsRecomputation()
{
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    const int layers = llm.config().numLayers;
    const auto next = torch::randn({2, llm.config().hiddenSize});
    InsideLlmSelection selection;
    std::vector<CutRecord> cuts;
    KVCache cache = llm.newCache(kRows + 2, torch::kFloat32);
    const auto prefillLogits = llm.prefill(
        m_embeds, cache, {}, recorded(sparseVlmSteps(sparseVlmSchedule(layers, 0.3, kVisualRows), layers, visualRowsOfTest(), selection), cuts));
    const auto step1 = llm.forward(next.slice(0, 0, 1), cache);
    const auto step2 = llm.forward(next.slice(0, 1, 2), cache);

    std::vector<LayerPruning> fixed;
    for (std::size_t s = 0; s < cuts.size(); ++s) {
        LayerPruning p;
        p.layer = sparseVlmSchedule(layers, 0.3, kVisualRows).layers[s];
        p.renumberPositions = true;
        std::vector<std::int64_t> keep = cuts[s].keep;
        const auto count = std::int64_t(cuts[s].rows.size());
        keep.push_back(count);   // the two new rows follow the prompt at every cut
        keep.push_back(count + 1);
        p.keepRows = [keep](const PruningInput &) { return torch::tensor(keep); };
        p.insertRows = [rows = cuts[s].inserted](const PruningInput &, const std::vector<std::int64_t> &) { return rows; };
        fixed.push_back(std::move(p));
    }
    KVCache once = llm.newCache(kRows + 2, torch::kFloat32);
    const auto reference = llm.prefill(torch::cat({m_embeds, next}), once, {}, fixed, /*allLogits=*/true);
    const auto n = reference.size(0);
    const double d0 = maxDiff(prefillLogits, reference.slice(0, n - 3, n - 2));
    const double d1 = maxDiff(step1, reference.slice(0, n - 2, n - 1));
    const double d2 = maxDiff(step2, reference.slice(0, n - 1, n));
    QVERIFY2(d0 < 1e-5 && d1 < 1e-5 && d2 < 1e-5, qPrintable(QString("max abs diffs %1 %2 %3").arg(d0).arg(d1).arg(d2)));
}

void TestSparseVlm::engineReportsTheLayerAverage()
{
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(test::gradientImage(112, 56));
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 3;
    applyMethodChoice(request, chooseMethod("sparsevlm", 0.3));
    const RunResult r = m_fixture.engine->run(request);
    const int n = static_cast<int>(r.plan.tokens.size());
    const SparseVlmSchedule schedule = sparseVlmSchedule(m_fixture.engine->config().llm.numLayers, 0.3, n);
    QCOMPARE(r.plan.tokensSent, int(std::lround(schedule.meanShare * n)));
    QCOMPARE(r.promptTokens, r.textTokens + n);   // the prefill starts with every visual token
    int kept = 0;
    for (const VisualToken &t : r.plan.tokens)
        kept += t.kept;
    QVERIFY(kept >= 1 && kept <= schedule.rowsFrom.back());
    QVERIFY(r.flops.plan.llm() < r.flops.full.llm());
    QVERIFY(r.timings.selectionMs > 0);

    const RunResult again = m_fixture.engine->run(request);
    for (int i = 0; i < n; ++i)
        QCOMPARE(again.plan.tokens[std::size_t(i)].kept, r.plan.tokens[std::size_t(i)].kept);
    QCOMPARE(again.answerIds, r.answerIds);

    // After ViR, on the tiles it chose.
    applyMethodChoice(request, chooseMethod("vir+sparsevlm", 0.3));
    const RunResult routed = m_fixture.engine->run(request);
    QCOMPARE(QString::fromStdString(routed.plan.method), QString("vir+sparsevlm"));
}

QTEST_GUILESS_MAIN(TestSparseVlm)
#include "tst_sparsevlm.moc"
