// SPDX-License-Identifier: MIT
// The downsampling baseline: the tile cap that meets a budget, worked out by hand on InternVL's
// tiling; through the Engine the plan, the budget and the FLOPs bound count against the image at
// the model's own cap, and an encoding made for another cap is never reused.

#include "fixtures/random_checkpoint.h"
#include "pipeline/downsample_tiling.h"
#include "pipeline/engine.h"
#include "pipeline/image_encoding.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace tokenscope;

namespace {

// The tiny fixture's tiling: 56-px tiles, 1 to 6 of them, a thumbnail when there are several.
TilingOptions tinyTiling()
{
    TilingOptions o;
    o.tileSize = 56;
    o.minTiles = 1;
    o.maxTiles = 6;
    return o;
}

} // namespace

class TestDownsample : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void capsByHand_data();
    void capsByHand();
    void engineCountsAgainstTheFullTiling();
    void encodingsOfAnotherCapAreNotReused();

private:
    RunRequest request(const std::string &method, double budget) const;
    std::unique_ptr<Engine> m_engine;
};

void TestDownsample::initTestCase()
{
    const auto dir = test::scratchDir("downsample");
    writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
    m_engine = Engine::load(dir / "tiny", {DeviceKind::Cpu, ComputeDType::Float32, 1});
    QCOMPARE(m_engine->config().vision.imageSize, 56);
    QCOMPARE(m_engine->config().tokensPerTileFull(), 4);
}

RunRequest TestDownsample::request(const std::string &method, double budget) const
{
    RunRequest r;
    r.image = std::make_shared<const RgbImage>(test::gradientImage(224, 56));
    r.question = "Which colour is on the left?";
    r.maxNewTokens = 3;
    applyMethodChoice(r, chooseMethod(method, budget));
    return r;
}

// A 4:1 image: 4×1 tiles + thumbnail = 20 tokens at the full cap of 6. Caps 5 and 4 keep that
// grid; cap 3 gives 3×1 + thumbnail (16 tokens), cap 2 gives 2×1 + thumbnail (12), cap 1 one tile
// and no thumbnail (4).
void TestDownsample::capsByHand_data()
{
    QTest::addColumn<double>("budget");
    QTest::addColumn<bool>("thumbnail");
    QTest::addColumn<int>("cap");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<int>("fullTokens");
    QTest::newRow("b=1") << 1.0 << true << 6 << 20 << 20;
    QTest::newRow("b=0.8: 16 fits") << 0.8 << true << 3 << 16 << 20;
    QTest::newRow("b=0.6: 12 fits") << 0.6 << true << 2 << 12 << 20;
    QTest::newRow("b=0.5: only one tile") << 0.5 << true << 1 << 4 << 20;
    QTest::newRow("b=0.01: one tile is the floor") << 0.01 << true << 1 << 4 << 20;
    QTest::newRow("no thumbnail, b=0.5") << 0.5 << false << 2 << 8 << 16;
}

void TestDownsample::capsByHand()
{
    QFETCH(double, budget);
    QFETCH(bool, thumbnail);
    QFETCH(int, cap);
    QFETCH(int, tokens);
    QFETCH(int, fullTokens);
    TilingOptions o = tinyTiling();
    o.useThumbnail = thumbnail;
    const DownsampledTiling d = downsampleTiling(224, 56, o, 4, budget);
    QCOMPARE(d.maxTiles, cap);
    QCOMPARE(d.tokens, tokens);
    QCOMPARE(d.fullTokens, fullTokens);
    QCOMPARE(tiledTokenCount(224, 56, o, 4), fullTokens);
}

void TestDownsample::engineCountsAgainstTheFullTiling()
{
    const RunResult r = m_engine->run(request("downsample", 0.6));
    QCOMPARE(QString::fromStdString(r.plan.method), QString("downsample"));
    QCOMPARE(int(r.plan.tiles.size()), 3);   // 2×1 + thumbnail
    QCOMPARE(r.plan.tokensSent, 12);
    QCOMPARE(r.plan.tokensBeforeCompression, 20);
    QCOMPARE(r.plan.budget, 0.6);
    QCOMPARE(r.plan.compressedTiles(), 0);
    // The bound: the all-kept run encodes 5 tiles, this one 3.
    QVERIFY(std::abs(r.flops.full.encoder / r.flops.plan.encoder - 5.0 / 3.0) < 1e-9);
    QVERIFY(r.flops.prefillBound() > 1.0);

    const RunResult full = m_engine->run(request("none", 1.0));
    QCOMPARE(int(full.plan.tiles.size()), 5);
    QCOMPARE(full.flops.full.total(), r.flops.full.total());
    // Budget 1 is the model's own tiling.
    const RunResult same = m_engine->run(request("downsample", 1.0));
    QCOMPARE(same.answerIds, full.answerIds);
    QCOMPARE(same.plan.tokensSent, 20);
}

void TestDownsample::encodingsOfAnotherCapAreNotReused()
{
    const RunRequest down = request("downsample", 0.6), none = request("none", 1.0);
    const RunResult fresh = m_engine->run(down);
    const auto ownEncoding = m_engine->encode(down);
    QCOMPARE(int(ownEncoding->maxTiles), 2);
    const RunResult reused = m_engine->run(down, *ownEncoding);
    QVERIFY(reused.encodingReused);
    QCOMPARE(reused.answerIds, fresh.answerIds);

    // A full encoding handed to a downsampled run, and the other way round: the run tiles anew.
    const auto fullEncoding = m_engine->encode(none);
    const RunResult fromFull = m_engine->run(down, *fullEncoding);
    QVERIFY(!fromFull.encodingReused);
    QCOMPARE(int(fromFull.plan.tiles.size()), 3);
    QCOMPARE(fromFull.answerIds, fresh.answerIds);
    const RunResult fromDown = m_engine->run(none, *ownEncoding);
    QVERIFY(!fromDown.encodingReused);
    QCOMPARE(int(fromDown.plan.tiles.size()), 5);
    QCOMPARE(fromDown.answerIds, m_engine->run(none).answerIds);
}

QTEST_GUILESS_MAIN(TestDownsample)
#include "tst_downsample.moc"
