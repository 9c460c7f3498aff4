// SPDX-License-Identifier: MIT
// Methods that prune inside the LLM (FastV, DART): FastV's ranking equals a naive attention
// computation, budget 1.0 changes nothing, decoding from the pruned KV cache equals a one-pass
// recomputation, and the kept counts are exact and deterministic through the Engine.

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
#include <set>

using namespace tokenscope;

namespace {

using test::kFirstVisual;
using test::kLength;
using test::kVisual;
using test::visualRows;

LayerPruning keepAll(int layer, torch::Tensor &hiddenOut)
{
    LayerPruning p;
    p.layer = layer;
    p.keepRows = [&hiddenOut](const PruningInput &in) {
        hiddenOut = in.hidden.clone();
        return torch::arange(in.hidden.size(0), torch::TensorOptions().dtype(torch::kInt64));
    };
    return p;
}

// DART's selection transcribed from the reference (VisionSelector dart.py get_retained_image_token,
// which ZichenWen1/DART's LLaVA code matches) for visual rows [first, first + count) of a prefill of
// `length` rows: 4 image and 4 text pivots by key L1 norm, then each pivot in ascending row order
// takes the `perPivot` remaining visual rows least cosine-similar to it. With keep = 4 + 8·perPivot
// this is the reference's own count (TOKEN_TOPK = int(keep / 8)). Returns indices into the visual rows.
std::vector<std::int64_t> referenceDart(const torch::Tensor &normed, const torch::Tensor &keys, std::int64_t first,
                                        std::int64_t count, std::int64_t perPivot)
{
    const std::int64_t length = normed.size(0);
    const auto flat = keys.transpose(0, 1).reshape({length, -1}).to(torch::kFloat64);
    std::vector<double> l1(static_cast<std::size_t>(length));
    for (std::int64_t r = 0; r < length; ++r)
        l1[std::size_t(r)] = flat[r].abs().sum().item<double>();
    auto largest = [&](std::int64_t from, std::int64_t to, int n) {
        std::vector<std::int64_t> rows;
        for (std::int64_t r = from; r < to; ++r)
            rows.push_back(r);
        std::stable_sort(rows.begin(), rows.end(), [&](auto a, auto b) { return l1[std::size_t(a)] > l1[std::size_t(b)]; });
        rows.resize(std::size_t(std::min<std::int64_t>(n, to - from)));
        return rows;
    };
    const auto imagePivots = largest(first, first + count, 4);
    const auto textPivots = largest(first + count, length, 4);
    std::set<std::int64_t> pivots(imagePivots.begin(), imagePivots.end()), retained = pivots, pool;
    pivots.insert(textPivots.begin(), textPivots.end());
    for (std::int64_t r = first; r < first + count; ++r)
        if (!retained.count(r))
            pool.insert(r);
    auto cosine = [&](std::int64_t a, std::int64_t b) {
        const auto x = normed[a].to(torch::kFloat64), y = normed[b].to(torch::kFloat64);
        return (x * y).sum().item<double>() / (x.norm().item<double>() * y.norm().item<double>());
    };
    for (std::int64_t pivot : pivots) {   // std::set: ascending rows
        std::vector<std::int64_t> candidates(pool.begin(), pool.end());
        std::stable_sort(candidates.begin(), candidates.end(),
                         [&](auto a, auto b) { return cosine(pivot, a) < cosine(pivot, b); });
        for (std::int64_t c = 0; c < perPivot && c < std::int64_t(candidates.size()); ++c) {
            retained.insert(candidates[std::size_t(c)]);
            pool.erase(candidates[std::size_t(c)]);
        }
    }
    std::vector<std::int64_t> kept;
    for (std::int64_t r : retained)
        kept.push_back(r - first);
    return kept;
}

} // namespace

class TestFastV : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rankingEqualsNaiveAttention_data();
    void rankingEqualsNaiveAttention();
    void dartEqualsReference();
    void fullBudgetChangesNothing_data();
    void fullBudgetChangesNothing();
    void decodeAfterPruningEqualsRecomputation_data();
    void decodeAfterPruningEqualsRecomputation();
    void engineKeptCounts_data();
    void engineKeptCounts();
    void engineFullBudgetAnswers();

private:
    RunResult run(const std::string &method, double budget);
    test::InsideLlmFixture m_fixture;
};

void TestFastV::initTestCase()
{
    m_fixture.load("fastv", 11);
}

void TestFastV::rankingEqualsNaiveAttention_data()
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<double>("budget");
    QTest::addColumn<QString>("query");
    for (const char *query : {"last", "all"}) {
        QTest::addRow("K=2 b=0.5 %s", query) << 2 << 0.5 << query;
        QTest::addRow("K=1 b=0.3 %s", query) << 1 << 0.3 << query;
        QTest::addRow("K=3 b=0.25 %s", query) << 3 << 0.25 << query;
    }
}

void TestFastV::rankingEqualsNaiveAttention()
{
    QFETCH(int, layer);
    QFETCH(double, budget);
    QFETCH(QString, query);
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();

    // The hidden states entering layer K-1: the input of a (keep-all) pruning at K-1, or the embeddings.
    torch::Tensor entering = m_fixture.embeds;
    if (layer > 1) {
        KVCache probe = llm.newCache(kLength, torch::kFloat32);
        llm.prefill(m_fixture.embeds, probe, {}, keepAll(layer - 1, entering));
    }
    const std::vector<double> received = test::naiveReceived(*m_fixture.model, layer - 1, entering, query == "last");

    const MethodChoice choice = chooseMethod("fastv", budget, parseMethodParameters("fastv", "layer=" + std::to_string(layer) + ",query=" + query.toStdString()));
    const std::int64_t keep = keptCount(budget, int(kVisual));
    InsideLlmSelection selection;
    const LayerPruning pruning = makeInsideLlmPruning(choice, visualRows(), keep, selection, llm.config().numLayers).front();
    QCOMPARE(pruning.layer, layer);
    KVCache cache = llm.newCache(kLength, torch::kFloat32);
    llm.prefill(m_fixture.embeds, cache, {}, pruning);

    QCOMPARE(std::int64_t(selection.scores.size()), kVisual);
    std::vector<double> expected;
    for (std::int64_t i = 0; i < kVisual; ++i) {
        expected.push_back(received[std::size_t(kFirstVisual + i)]);
        QVERIFY2(std::abs(selection.scores[std::size_t(i)] - expected.back()) < 1e-6,
                 qPrintable(QString("token %1: %2 vs naive %3").arg(i).arg(selection.scores[std::size_t(i)]).arg(expected.back())));
    }
    const auto naiveKept = topKSorted(torch::tensor(expected), keep);
    QCOMPARE(selection.kept, naiveKept);

    // The caches: layers < K hold every row, layers >= K the kept rows.
    for (int i = 0; i < llm.config().numLayers; ++i)
        QCOMPARE(cache.layerLengths[std::size_t(i)], i < layer ? kLength : kLength - kVisual + keep);
    QCOMPARE(cache.length, kLength);
    QCOMPARE(cache.nextPosition, kLength);
}

void TestFastV::dartEqualsReference()
{
    torch::NoGradGuard noGrad;
    // The selection rule on a prefill long enough for the reference's own count: 20 visual rows,
    // 8 text rows after them, keep = 4 + 8·q.
    {
        at::manual_seed(5);
        const std::int64_t first = 2, count = 20, length = 30;
        const auto normed = torch::randn({length, 16});
        const auto keys = torch::randn({2, length, 8});
        std::vector<std::int64_t> rows;
        for (std::int64_t i = 0; i < count; ++i)
            rows.push_back(first + i);
        for (std::int64_t perPivot : {1, 2}) {
            const DartSelection chosen = dartSelect(normed, keys, rows, 4 + 8 * perPivot);
            QCOMPARE(chosen.kept, referenceDart(normed, keys, first, count, perPivot));
        }
    }

    // Inside the prefill the cosine is on the hidden states through the final RMSNorm, whose
    // per-channel weight changes cosines (a uniform weight would not): give it an uneven one.
    const LanguageModel &llm = m_fixture.model->language();
    auto weight = m_fixture.model->parameters().at("language_model.model.norm.weight");
    const auto saved = weight.clone();
    weight.uniform_(0.1, 3.0);
    torch::Tensor hidden, keys;
    LayerPruning probe;
    probe.layer = 2;
    probe.needKeys = true;
    probe.keepRows = [&](const PruningInput &in) {
        hidden = in.hidden.clone();
        keys = in.keys.clone();
        return torch::arange(in.hidden.size(0), torch::TensorOptions().dtype(torch::kInt64));
    };
    KVCache probeCache = llm.newCache(kLength, torch::kFloat32);
    llm.prefill(m_fixture.embeds, probeCache, {}, probe);
    const auto normed = hidden * torch::rsqrt(hidden.pow(2).mean(-1, true) + llm.config().rmsNormEps) * weight;
    const std::int64_t keep = 6;
    const DartSelection expected = dartSelect(normed, keys, visualRows(), keep);
    const DartSelection raw = dartSelect(hidden, keys, visualRows(), keep);

    InsideLlmSelection selection;
    KVCache cache = llm.newCache(kLength, torch::kFloat32);
    llm.prefill(m_fixture.embeds, cache, {}, makeInsideLlmPruning(chooseMethod("dart", 0.75, {{"layer", 2.0}}), visualRows(), keep, selection, llm.config().numLayers));
    weight.copy_(saved);
    QCOMPARE(selection.kept, expected.kept);
    double fromNormed = 0, fromRaw = 0;
    for (std::size_t i = 0; i < expected.scores.size(); ++i) {
        fromNormed = std::max(fromNormed, double(std::abs(selection.scores[i] - expected.scores[i])));
        fromRaw = std::max(fromRaw, double(std::abs(selection.scores[i] - raw.scores[i])));
    }
    QVERIFY2(fromNormed < 1e-5, qPrintable(QString("scores differ from the normed reference by %1").arg(fromNormed)));
    QVERIFY2(fromRaw > 1e-3, qPrintable(QString("the norm did not change the scores (%1): the test proves nothing").arg(fromRaw)));
}

void TestFastV::fullBudgetChangesNothing_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("layer");
    QTest::newRow("fastv K=2") << "fastv" << 2;
    QTest::newRow("fastv K=1") << "fastv" << 1;
    QTest::newRow("dart K=2") << "dart" << 2;
}

void TestFastV::fullBudgetChangesNothing()
{
    QFETCH(QString, method);
    QFETCH(int, layer);
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    KVCache plain = llm.newCache(kLength + 1, torch::kFloat32);
    const auto reference = llm.forward(m_fixture.embeds, plain, /*allLogits=*/true);

    InsideLlmSelection selection;
    const MethodChoice choice = chooseMethod(method.toStdString(), 1.0, {{"layer", double(layer)}});
    KVCache cache = llm.newCache(kLength + 1, torch::kFloat32);
    const auto logits = llm.prefill(m_fixture.embeds, cache, {}, makeInsideLlmPruning(choice, visualRows(), kVisual, selection, llm.config().numLayers), true);
    QCOMPARE(std::int64_t(selection.kept.size()), kVisual);
    const double diff = (logits - reference).abs().max().item<double>();
    QVERIFY2(diff < 1e-5, qPrintable(QString("max abs diff %1").arg(diff)));

    // And one decode step on each cache.
    auto next = torch::randn({1, llm.config().hiddenSize});
    const double stepDiff = (llm.forward(next, cache) - llm.forward(next, plain)).abs().max().item<double>();
    QVERIFY2(stepDiff < 1e-5, qPrintable(QString("decode max abs diff %1").arg(stepDiff)));
}

void TestFastV::decodeAfterPruningEqualsRecomputation_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("layer");
    QTest::addColumn<double>("budget");
    QTest::newRow("fastv K=2 b=0.5") << "fastv" << 2 << 0.5;
    QTest::newRow("fastv K=1 b=0.3") << "fastv" << 1 << 0.3;
    QTest::newRow("dart K=2 b=0.5") << "dart" << 2 << 0.5;
}

void TestFastV::decodeAfterPruningEqualsRecomputation()
{
    QFETCH(QString, method);
    QFETCH(int, layer);
    QFETCH(double, budget);
    torch::NoGradGuard noGrad;
    const LanguageModel &llm = m_fixture.model->language();
    const MethodChoice choice = chooseMethod(method.toStdString(), budget, {{"layer", double(layer)}});
    const std::int64_t keep = keptCount(budget, int(kVisual));
    // Positions with a gap, so kept rows' original rotary positions matter.
    auto positions = torch::arange(kLength, torch::TensorOptions().dtype(torch::kInt64)) + 2;
    auto next = torch::randn({2, llm.config().hiddenSize});

    // Cached: pruning prefill, then two decode steps.
    InsideLlmSelection selection;
    KVCache cache = llm.newCache(kLength + 2, torch::kFloat32);
    const auto prefillLogits = llm.prefill(m_fixture.embeds, cache, positions, makeInsideLlmPruning(choice, visualRows(), keep, selection, llm.config().numLayers));
    const auto step1 = llm.forward(next.slice(0, 0, 1), cache);
    const auto step2 = llm.forward(next.slice(0, 1, 2), cache);
    QCOMPARE(cache.nextPosition, kLength + 4);
    QCOMPARE(std::int64_t(selection.kept.size()), keep);

    // Reference in one pass, no incremental cache: the whole sequence plus both new rows; layers
    // < K see every row, layers >= K the same kept rows plus the new ones.
    std::vector<std::int64_t> rows;
    std::vector<bool> keptVisual(std::size_t(kVisual), false);
    for (std::int64_t i : selection.kept)
        keptVisual[std::size_t(i)] = true;
    for (std::int64_t r = 0; r < kLength + 2; ++r)
        if (r < kFirstVisual || r >= kFirstVisual + kVisual || keptVisual[std::size_t(r - kFirstVisual)])
            rows.push_back(r);
    LayerPruning fixed;
    fixed.layer = layer;
    fixed.keepRows = [&](const PruningInput &) { return torch::tensor(rows, torch::TensorOptions().dtype(torch::kInt64)); };
    KVCache once = llm.newCache(kLength + 2, torch::kFloat32);
    auto allPositions = torch::cat({positions, torch::tensor({kLength + 2, kLength + 3}, torch::kInt64)});
    const auto reference = llm.prefill(torch::cat({m_fixture.embeds, next}), once, allPositions, fixed, /*allLogits=*/true);
    const auto n = reference.size(0);
    const double d0 = (prefillLogits - reference.slice(0, n - 3, n - 2)).abs().max().item<double>();
    const double d1 = (step1 - reference.slice(0, n - 2, n - 1)).abs().max().item<double>();
    const double d2 = (step2 - reference.slice(0, n - 1, n)).abs().max().item<double>();
    QVERIFY2(d0 < 1e-5 && d1 < 1e-5 && d2 < 1e-5, qPrintable(QString("max abs diffs %1 %2 %3").arg(d0).arg(d1).arg(d2)));

    // Pruning really changed something at this budget.
    KVCache plain = llm.newCache(kLength, torch::kFloat32);
    QVERIFY((llm.forward(m_fixture.embeds, plain, false, positions) - prefillLogits).abs().max().item<double>() > 1e-6);
}

RunResult TestFastV::run(const std::string &method, double budget)
{
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(test::gradientImage(112, 56));
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 3;
    applyMethodChoice(request, chooseMethod(method, budget));
    return m_fixture.engine->run(request);
}

void TestFastV::engineKeptCounts_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("budget");
    for (const char *m : {"fastv", "dart"})
        for (double b : {1.0, 0.5, 0.3, 0.1, 0.01})
            QTest::addRow("%s b=%g", m, b) << QString(m) << b;
}

void TestFastV::engineKeptCounts()
{
    QFETCH(QString, method);
    QFETCH(double, budget);
    const RunResult r = run(method.toStdString(), budget);
    const int n = static_cast<int>(r.plan.tokens.size());
    const int k = keptCount(budget, n);
    QCOMPARE(QString::fromStdString(r.plan.method), method);
    QCOMPARE(r.plan.tokensSent, k);
    QVERIFY(r.plan.positions == PositionPolicy::OriginalWithGaps);
    QCOMPARE(r.promptTokens, r.textTokens + n);   // the prefill still holds every visual token
    std::vector<bool> kept;
    for (const VisualToken &t : r.plan.tokens)
        kept.push_back(t.kept);
    QCOMPARE(int(std::count(kept.begin(), kept.end(), true)), k);
    if (method == "fastv") {   // the k kept tokens have the k highest scores
        std::vector<float> scores;
        for (const VisualToken &t : r.plan.tokens)
            scores.push_back(t.score);
        std::vector<std::int64_t> expected = topKSorted(torch::tensor(scores), k), actual;
        for (int i = 0; i < n; ++i)
            if (kept[std::size_t(i)])
                actual.push_back(i);
        QCOMPARE(actual, expected);
    }
    const RunResult again = run(method.toStdString(), budget);
    for (int i = 0; i < n; ++i)
        QCOMPARE(bool(again.plan.tokens[std::size_t(i)].kept), bool(kept[std::size_t(i)]));
    QCOMPARE(again.answerIds, r.answerIds);
}

void TestFastV::engineFullBudgetAnswers()
{
    const RunResult plain = run("none", 1.0);
    QCOMPARE(run("fastv", 1.0).answerIds, plain.answerIds);
    QCOMPARE(run("dart", 1.0).answerIds, plain.answerIds);
    // vir+fastv is a valid composition.
    QVERIFY(chooseMethod("vir+fastv", 0.5).tokens->name == "fastv");
}

QTEST_GUILESS_MAIN(TestFastV)
#include "tst_fastv.moc"
