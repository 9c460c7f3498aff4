// SPDX-License-Identifier: MIT
// End to end on tiny random checkpoints: tiles, routing, token counts, sequence length, timings,
// determinism, sharded and half-precision weights, and the model variants.

#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace tokenscope;
using tokenscope::test::gradientImage;

class TestEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void modesSendExpectedTokens_data();
    void modesSendExpectedTokens();
    void routerFollowsTheRule();
    void deterministic();
    void shardedAndHalfWeightsLoad();
    void modelVariants_data();
    void modelVariants();
    void progressAndCancel();

private:
    std::filesystem::path m_model;
    std::filesystem::path m_image;
    std::unique_ptr<Engine> m_engine;
};


void TestEngine::initTestCase()
{
    const auto dir = test::scratchDir("engine");
    m_model = dir / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    m_image = dir / "wide.png";
    writePng(m_image, gradientImage(112, 56));   // 2:1 -> a 2×1 grid + thumbnail at 56-px tiles
    m_engine = Engine::load(m_model, {DeviceKind::Cpu, ComputeDType::Float32, 2});
    QCOMPARE(m_engine->info().tokensPerTileFull, 4);
    QCOMPARE(m_engine->info().tokensPerTileCompressed, 1);
    QVERIFY(m_engine->info().flash);
}

void TestEngine::modesSendExpectedTokens_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("visual");
    QTest::addColumn<int>("compressedTiles");
    QTest::newRow("full") << "full" << 12 << 0;
    QTest::newRow("compressed") << "compressed" << 3 << 3;
    QTest::newRow("budget 0.5") << "budget" << 6 << 2;   // 12 -> 9 -> 6 tokens
}

void TestEngine::modesSendExpectedTokens()
{
    QFETCH(QString, mode);
    QFETCH(int, visual);
    QFETCH(int, compressedTiles);
    RunRequest request;
    request.imagePath = m_image;
    request.question = "What colour is the left half?";
    request.mode = *parseRouteMode(mode.toStdString());
    request.targetBudget = 0.5;
    request.maxNewTokens = 5;
    const RunResult r = m_engine->run(request);

    QCOMPARE(r.plan.tiles.size(), std::size_t(3));
    QVERIFY(r.plan.tiles[2].thumbnail);
    QCOMPARE(r.plan.tiles[1].col, 1);
    QCOMPARE(r.plan.tokensBeforeCompression, 12);
    QCOMPARE(r.plan.tokensSent, visual);
    QCOMPARE(int(r.plan.tokens.size()), visual);
    QCOMPARE(r.plan.compressedTiles(), compressedTiles);
    // The LLM sees exactly the plan's visual tokens plus the text.
    QCOMPARE(r.promptTokens, r.textTokens + visual);
    QVERIFY(r.textTokens > 20);
    QVERIFY(r.answerIds.size() <= 5);
    QVERIFY(r.timings.encoderMs > 0 && r.timings.prefillMs > 0);
    QCOMPARE(r.device, std::string("cpu"));
    QCOMPARE(r.threads, 2);
    for (const TilePlan &t : r.plan.tiles)
        QCOMPARE(t.tokenCount, t.ratio == TileRatio::Quarter ? 4 : 1);
}

void TestEngine::routerFollowsTheRule()
{
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Count the shapes.";
    request.maxNewTokens = 1;
    for (double relative : {0.0, 0.34, 1.0}) {
        for (double absolute : {0.0, 0.5, 1.0}) {
            request.thresholds = RouterThresholds{relative, absolute};
            const RunResult r = m_engine->run(request);
            std::vector<double> p;
            for (const TilePlan &t : r.plan.tiles) {
                QVERIFY(t.compressProbability >= 0 && t.compressProbability <= 1);
                p.push_back(t.compressProbability);
            }
            const auto expected = routerDecisions(p, *request.thresholds);
            for (std::size_t i = 0; i < p.size(); ++i)
                QCOMPARE(r.plan.tiles[i].ratio == TileRatio::Sixteenth, bool(expected[i]));
            QCOMPARE(r.plan.method, std::string("vir"));
        }
    }
}

void TestEngine::deterministic()
{
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Describe the image.";
    request.maxNewTokens = 8;
    const RunResult a = m_engine->run(request);
    const RunResult b = m_engine->run(request);
    QCOMPARE(a.answerIds, b.answerIds);
    QCOMPARE(a.answer, b.answer);
    // An in-memory image gives the same result as the file.
    request.image = std::make_shared<const RgbImage>(decodeImageFile(m_image));
    QCOMPARE(m_engine->run(request).answerIds, a.answerIds);
}

void TestEngine::shardedAndHalfWeightsLoad()
{
    const auto dir = test::scratchDir("engine-variants");
    FixtureOptions sharded;
    sharded.shards = 3;
    writeRandomCheckpoint(dir / "sharded", fixtureShape("tiny"), sharded);
    QVERIFY(std::filesystem::exists(dir / "sharded" / "model.safetensors.index.json"));
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Describe the image.";
    request.maxNewTokens = 6;
    const RunResult reference = m_engine->run(request);
    QCOMPARE(Engine::load(dir / "sharded", {})->run(request).answerIds, reference.answerIds);

    for (DType dtype : {DType::F16, DType::BF16}) {
        FixtureOptions half;
        half.dtype = dtype;
        const auto path = dir / dtypeName(dtype);
        writeRandomCheckpoint(path, fixtureShape("tiny"), half);
        const RunResult r = Engine::load(path, {})->run(request);
        QCOMPARE(r.plan.tokensBeforeCompression, 12);
    }
}

void TestEngine::modelVariants_data()
{
    QTest::addColumn<QString>("shape");
    QTest::newRow("qwen2") << "tiny-qwen2";
    QTest::newRow("internvit-6b style") << "tiny-6b";
}

void TestEngine::modelVariants()
{
    QFETCH(QString, shape);
    const auto dir = test::scratchDir("engine-" + shape.toStdString());
    writeRandomCheckpoint(dir, fixtureShape(shape.toStdString()), {});
    RunRequest request;
    request.imagePath = m_image;
    request.question = "What is shown?";
    request.maxNewTokens = 3;
    const RunResult r = Engine::load(dir, {})->run(request);
    QCOMPARE(r.plan.tiles.size(), std::size_t(3));
    QVERIFY(!r.answerIds.empty() || r.stoppedOnEos);
}

void TestEngine::progressAndCancel()
{
    RunRequest request;
    request.imagePath = m_image;
    request.question = "Describe the image.";
    request.maxNewTokens = 4;
    std::vector<double> seen;
    ProgressCallbacks callbacks;
    callbacks.progress = [&](double f, std::string_view) { seen.push_back(f); };
    m_engine->run(request, callbacks);
    QVERIFY(seen.size() >= 5);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.back(), 1.0);

    int calls = 0;
    callbacks.abort = [&] { return ++calls > 3; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, m_engine->run(request, callbacks));
}

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"
