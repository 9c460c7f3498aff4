// SPDX-License-Identifier: MIT
// Properties every Top-K style method must have, checked for every method in the catalog
// (methods registered later are covered automatically): exact kept count k = max(1, ⌊b·N⌋),
// sorted kept order without duplicates, merge targets that were kept, determinism, and the
// sequence the LLM sees = the plan's count plus the text.

#include "compress/method_catalog.h"
#include "fixtures/random_checkpoint.h"
#include "pipeline/engine.h"
#include "pipeline/plan_preview.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace tokenscope;

class TestCompressionMethods : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void topKProperties_data();
    void topKProperties();
    void randomIsSeeded();
    void budgetMoveDrawnFromThePlanMatchesARun_data();
    void budgetMoveDrawnFromThePlanMatchesARun();
    void budgetMoveNeedsARunOtherwise();
    void keptCountRule_data();
    void keptCountRule();
    void badChoices_data();
    void badChoices();
    void insideLlmLayerOutOfRange_data();
    void insideLlmLayerOutOfRange();
    void reusedEncodingGivesTheSameRun_data();
    void reusedEncodingGivesTheSameRun();
    void selectionTimeIsRecorded_data();
    void selectionTimeIsRecorded();

private:
    RunResult run(const std::string &method, double budget, std::uint64_t seed = 0);
    std::unique_ptr<Engine> m_engine;
    std::filesystem::path m_image;
};

void TestCompressionMethods::initTestCase()
{
    const auto dir = test::scratchDir("methods");
    writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
    m_image = dir / "wide.png";
    writePng(m_image, test::gradientImage(112, 56));   // 3 tiles × 4 tokens = 12 at 1/4
    m_engine = Engine::load(dir / "tiny", {DeviceKind::Cpu, ComputeDType::Float32, 1});
}

RunResult TestCompressionMethods::run(const std::string &method, double budget, std::uint64_t seed)
{
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 3;
    request.seed = seed;
    applyMethodChoice(request, chooseMethod(method, budget));
    return m_engine->run(request);
}

void TestCompressionMethods::topKProperties_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("budget");
    for (const MethodInfo &m : compressionMethods()) {
        // PyramidDrop's and SparseVLM's budgets are layer averages, not kept counts
        // (tst_pyramiddrop, tst_sparsevlm).
        if (m.kind == MethodKind::TileRatio || m.name == "pyramiddrop" || m.name == "sparsevlm")
            continue;
        for (double b : {1.0, 0.5, 0.3, 0.1, 0.01})
            QTest::addRow("%s b=%g", m.name.c_str(), b) << QString::fromStdString(m.name) << b;
        QTest::addRow("vir+%s b=0.5", m.name.c_str()) << QString::fromStdString("vir+" + m.name) << 0.5;
    }
}

void TestCompressionMethods::topKProperties()
{
    QFETCH(QString, method);
    QFETCH(double, budget);
    const RunResult r = run(method.toStdString(), budget);
    const CompressionPlan &plan = r.plan;
    const int n = static_cast<int>(plan.tokens.size());
    const int k = keptCount(budget, n);
    QCOMPARE(plan.tokensSent, k);
    QCOMPARE(plan.budget, budget);
    QCOMPARE(QString::fromStdString(plan.method), method);

    std::vector<int> kept;
    for (int i = 0; i < n; ++i)
        if (plan.tokens[std::size_t(i)].kept)
            kept.push_back(i);
    // Each index once, so no duplicates; PruMerge+ sends one appended token beside its kept ones.
    QCOMPARE(plan.appendedTokens, method.endsWith("prumerge+") && k >= 2 && k < n ? 1 : 0);
    QCOMPARE(int(kept.size()) + plan.appendedTokens, k);
    for (const VisualToken &t : plan.tokens)
        if (t.mergedInto >= 0) {
            QVERIFY(!t.kept);
            QVERIFY(t.mergedInto < n && plan.tokens[std::size_t(t.mergedInto)].kept);
        }
    // Every selection method sends its kept tokens in the original (sorted) order, tile by tile.
    int sentPerTile = 0;
    for (const TilePlan &tile : plan.tiles)
        for (int i = tile.firstToken; i < tile.firstToken + tile.tokenCount; ++i)
            sentPerTile += plan.tokens[std::size_t(i)].kept ? 1 : 0;
    QCOMPARE(sentPerTile + plan.appendedTokens, k);

    const MethodChoice choice = chooseMethod(method.toStdString(), budget);
    if (choice.tokens->kind == MethodKind::TokenSelection)
        QCOMPARE(r.promptTokens, r.textTokens + k);

    const RunResult again = run(method.toStdString(), budget);
    for (int i = 0; i < n; ++i)
        QCOMPARE(again.plan.tokens[std::size_t(i)].kept, plan.tokens[std::size_t(i)].kept);
    QCOMPARE(again.answerIds, r.answerIds);
}

void TestCompressionMethods::randomIsSeeded()
{
    auto keptOf = [](const RunResult &r) {
        std::vector<bool> kept;
        for (const VisualToken &t : r.plan.tokens)
            kept.push_back(t.kept);
        return kept;
    };
    const auto a = keptOf(run("random", 0.5, 1)), b = keptOf(run("random", 0.5, 1));
    QCOMPARE(a, b);
    bool anyDiffers = false;
    for (std::uint64_t seed = 2; seed < 8 && !anyDiffers; ++seed)
        anyDiffers = keptOf(run("random", 0.5, seed)) != a;
    QVERIFY(anyDiffers);
}

void TestCompressionMethods::budgetMoveDrawnFromThePlanMatchesARun_data()
{
    QTest::addColumn<QString>("method");
    int rows = 0;
    for (const MethodInfo &m : compressionMethods())
        if (m.keepsTopScores) {
            QTest::newRow(m.name.c_str()) << QString::fromStdString(m.name);
            QTest::addRow("vir+%s", m.name.c_str()) << QString::fromStdString("vir+" + m.name);
            ++rows;
        }
    QVERIFY(rows >= 2);   // VisionSelector and FastV at least
}

// The overlay a budget slider draws before the model has run must be the one the run then shows.
void TestCompressionMethods::budgetMoveDrawnFromThePlanMatchesARun()
{
    QFETCH(QString, method);
    const std::string name = method.toStdString();
    const RunResult shown = run(name, 0.5);
    for (double budget : {0.01, 0.25, 0.4, 0.75, 1.0}) {
        const auto preview = planAtBudget(shown.plan, chooseMethod(name, 0.5), chooseMethod(name, budget));
        QVERIFY(preview);
        const RunResult ran = run(name, budget);
        QCOMPARE(preview->tokensSent, ran.plan.tokensSent);
        QCOMPARE(preview->budget, ran.plan.budget);
        for (std::size_t i = 0; i < ran.plan.tokens.size(); ++i) {
            QCOMPARE(preview->tokens[i].kept, ran.plan.tokens[i].kept);
            QCOMPARE(preview->tokens[i].score, ran.plan.tokens[i].score);
        }
    }
}

void TestCompressionMethods::budgetMoveNeedsARunOtherwise()
{
    const RunResult fastv = run("fastv", 0.5);
    // Another parameter, another method, or a method whose kept set is not the top of its scores.
    QVERIFY(!planAtBudget(fastv.plan, chooseMethod("fastv", 0.5), chooseMethod("fastv", 0.3, {{"layer", 1}})));
    QVERIFY(!planAtBudget(fastv.plan, chooseMethod("fastv", 0.5), chooseMethod("visionselector", 0.3)));
    for (const MethodInfo &m : compressionMethods()) {
        if (m.keepsTopScores || !m.usesBudget)
            continue;
        const RunResult r = run(m.name, 0.5);
        QVERIFY2(!planAtBudget(r.plan, chooseMethod(m.name, 0.5), chooseMethod(m.name, 0.3)), m.name.c_str());
    }
}

void TestCompressionMethods::keptCountRule_data()
{
    QTest::addColumn<double>("budget");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<int>("expected");
    QTest::newRow("all") << 1.0 << 1792 << 1792;
    QTest::newRow("half") << 0.5 << 1792 << 896;
    QTest::newRow("0.3 floors") << 0.3 << 1792 << 537;   // 537.6
    QTest::newRow("0.1") << 0.1 << 12 << 1;
    QTest::newRow("never zero") << 0.01 << 12 << 1;
}

void TestCompressionMethods::keptCountRule()
{
    QFETCH(double, budget);
    QFETCH(int, tokens);
    QFETCH(int, expected);
    QCOMPARE(keptCount(budget, tokens), expected);
}

void TestCompressionMethods::badChoices_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("budget");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("unknown") << "fastv2" << 0.5 << "method 'fastv2': is not known";
    QTest::newRow("zero budget") << "random" << 0.0 << "budget: must be in (0, 1], got 0";
    QTest::newRow("negative budget") << "uniform" << -0.2 << "budget: must be in (0, 1]";
    QTest::newRow("budget above one") << "uniform" << 1.01 << "budget: must be in (0, 1], got 1.01";
    QTest::newRow("bad composition") << "random+vir" << 0.5 << "is not a valid composition";
    QTest::newRow("vir+vir") << "vir+vir" << 0.5 << "is not a valid composition";
}

void TestCompressionMethods::badChoices()
{
    QFETCH(QString, method);
    QFETCH(double, budget);
    QFETCH(QString, fragment);
    test::expectError([&] { chooseMethod(method.toStdString(), budget); }, {fragment});
}

void TestCompressionMethods::insideLlmLayerOutOfRange_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("layer");
    QTest::newRow("fastv at the last layer") << "fastv" << 3;   // the tiny fixture's LLM has 3 layers
    QTest::newRow("dart beyond the model") << "dart" << 40;
    QTest::newRow("vir+fastv") << "vir+fastv" << 3;
}

void TestCompressionMethods::insideLlmLayerOutOfRange()
{
    QFETCH(QString, method);
    QFETCH(int, layer);
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Which colour is on the left?";
    applyMethodChoice(request, chooseMethod(method.toStdString(), 0.5, {{"layer", double(layer)}}));
    const QString name = method.section('+', -1);
    test::expectError([&] { m_engine->run(request); },
                      {"method '" + name + "'", "layer=" + QString::number(layer), "has 3 layers", "[1, 2]"});
}

void TestCompressionMethods::reusedEncodingGivesTheSameRun_data()
{
    QTest::addColumn<QString>("method");
    for (const char *m : {"none", "vir", "visionzip", "prumerge+", "vir+divprune", "fastv", "dart", "pyramiddrop",
                          "sparsevlm"})
        QTest::newRow(m) << m;
}

// A sweep encodes each image once; every method must then behave exactly as in a fresh run.
void TestCompressionMethods::reusedEncodingGivesTheSameRun()
{
    QFETCH(QString, method);
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Which colour is on the left?";
    request.maxNewTokens = 3;
    applyMethodChoice(request, chooseMethod(method.toStdString(), 0.5));
    const RunResult fresh = m_engine->run(request);
    const auto encoded = m_engine->encode(request);
    const RunResult reused = m_engine->run(request, *encoded);
    QVERIFY(!fresh.encodingReused);
    QVERIFY(reused.encodingReused);
    QCOMPARE(reused.answerIds, fresh.answerIds);
    QCOMPARE(reused.plan.method, fresh.plan.method);
    QCOMPARE(reused.plan.tokensSent, fresh.plan.tokensSent);
    QCOMPARE(reused.plan.tokens.size(), fresh.plan.tokens.size());
    for (std::size_t i = 0; i < fresh.plan.tokens.size(); ++i) {
        QCOMPARE(reused.plan.tokens[i].kept, fresh.plan.tokens[i].kept);
        QCOMPARE(reused.plan.tokens[i].mergedInto, fresh.plan.tokens[i].mergedInto);
        QCOMPARE(reused.plan.tokens[i].score, fresh.plan.tokens[i].score);
    }
    // Reused runs report the encoding's own cost, not zero.
    QVERIFY(reused.timings.encoderMs > 0);
    QCOMPARE(m_engine->run(request, *encoded).timings.encoderMs, reused.timings.encoderMs);
}

void TestCompressionMethods::selectionTimeIsRecorded_data()
{
    QTest::addColumn<QString>("method");
    for (const MethodInfo &m : compressionMethods())
        if (m.kind != MethodKind::TileRatio && !m.needsSelector)
            QTest::newRow(m.name.c_str()) << QString::fromStdString(m.name);
}

// Every method's own cost is reported apart from the prefill, inside-LLM ones included.
void TestCompressionMethods::selectionTimeIsRecorded()
{
    QFETCH(QString, method);
    const RunResult r = run(method.toStdString(), 0.5);
    QVERIFY2(r.timings.selectionMs > 0, qPrintable(QString::number(r.timings.selectionMs)));
    QVERIFY(r.timings.prefillMs > 0);
}

QTEST_APPLESS_MAIN(TestCompressionMethods)
#include "tst_compression_methods.moc"
