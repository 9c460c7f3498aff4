// SPDX-License-Identifier: MIT
// The analytic speed-up bound: LLM FLOPs worked out by hand on a toy shape, the linear
// approximations on a real shape (the exact count sits just above them, by the attention's
// quadratic term), the encoder's share, what the Engine reports per method, and bad shapes.

#include "fixtures/random_checkpoint.h"
#include "pipeline/prefill_flops.h"
#include "tiny_engine_run.h"

#include <QtTest/QtTest>

#include <cmath>
#include <stdexcept>

using namespace tokenscope;

class TestPrefillFlops : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void llmLayersByHand();
    void preLlmBoundNearItsLinearForm();
    void insideLlmBoundNearItsLinearForm();
    void pyramidCutsAddUpPartByPart();
    void encoderCapsTheWholePrefill();
    void engineReportsTheBound_data();
    void engineReportsTheBound();
    void badShapes();
};

// D = 4, 2 heads and 1 KV head of width 2, MLP 8, 3 rows:
//   projections 2·3·4·(4 + 2·2) + 2·3·4·4 = 192 + 96 = 288
//   attention   2·2·4 · (1 + 2 + 3) = 96        (q·kᵀ and p·v, causal: row i sees i + 1 rows)
//   MLP         2·3·3·4·8 = 576                  (gate, up, down)
// 960 per layer.
void TestPrefillFlops::llmLayersByHand()
{
    LlmConfig llm;
    llm.hiddenSize = 4;
    llm.numHeads = 2;
    llm.numKvHeads = 1;
    llm.headDim = 2;
    llm.intermediateSize = 8;
    QCOMPARE(llmLayerFlops(llm, 3, 1), 960.0);
    QCOMPARE(llmLayerFlops(llm, 3, 2), 1920.0);
    QCOMPARE(llmLayerFlops(llm, 0, 2), 0.0);
}

// One 448-px tile of InternVL3.5-1B-Flash: N_v = 256, N_t = 40, k = 0.25. Linear form
// (N_v + N_t) / (k·N_v + N_t) = 296 / 104 = 2.846.
void TestPrefillFlops::preLlmBoundNearItsLinearForm()
{
    const ModelConfig c = fixtureShape("internvl3_5-1b-flash");
    PrefillShape shape;
    shape.tiles = 1;
    shape.textTokens = 40;
    shape.visualTokens = 64;
    const PrefillFlops f = prefillFlops(c, shape);
    const double linear = 296.0 / 104.0;
    QVERIFY2(f.llmBound() > linear && f.llmBound() < linear * 1.05,
             qPrintable(QString("LLM bound %1, linear form %2").arg(f.llmBound()).arg(linear)));
    QCOMPARE(f.plan.encoder, f.full.encoder);   // every tile is encoded whatever the budget
    QCOMPARE(f.plan.router, 0.0);
    QVERIFY(f.plan.connector == f.full.connector);
}

// FastV at K = 2 of 28 layers keeping k = 0.25 of N_v = 256 with N_t = 40: linear form
// L / (K + (L − K)·(k·N_v + N_t)/(N_v + N_t)) = 28 / (2 + 26·104/296) = 2.537.
void TestPrefillFlops::insideLlmBoundNearItsLinearForm()
{
    const ModelConfig c = fixtureShape("internvl3_5-1b-flash");
    QCOMPARE(c.llm.numLayers, 28);
    PrefillShape shape;
    shape.tiles = 1;
    shape.textTokens = 40;
    shape.visualTokens = 256;
    shape.cuts = {{2, 64}};
    const PrefillFlops f = prefillFlops(c, shape);
    const double linear = 28.0 / (2.0 + 26.0 * 104.0 / 296.0);
    QVERIFY2(f.llmBound() > linear * 0.97 && f.llmBound() < linear * 1.05,
             qPrintable(QString("LLM bound %1, linear form %2").arg(f.llmBound()).arg(linear)));
    QVERIFY(f.plan.llmBeforeK == llmLayerFlops(c.llm, 296, 2));
}

// Thirteen tiles and a tenth of the tokens: the LLM gets much cheaper, the encoder does not, so
// the whole prefill's bound is far below the LLM's.
void TestPrefillFlops::encoderCapsTheWholePrefill()
{
    const ModelConfig c = fixtureShape("internvl3_5-1b-flash");
    PrefillShape shape;
    shape.tiles = 13;
    shape.textTokens = 40;
    shape.visualTokens = 13 * 256 / 10;
    const PrefillFlops f = prefillFlops(c, shape);
    QVERIFY(f.prefillBound() < f.llmBound());
    QVERIFY(f.prefillBound() > 1.0);
    QCOMPARE(f.encoderShare(), f.plan.encoder / f.plan.total());
    // The whole prefill can never beat 1 / (the encoder's share of it).
    QVERIFY(f.prefillBound() < f.full.total() / f.full.encoder);
}

void TestPrefillFlops::engineReportsTheBound_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("budget");
    QTest::addColumn<bool>("shorter");
    QTest::newRow("none") << "none" << 1.0 << false;
    QTest::newRow("random 0.5") << "random" << 0.5 << true;
    QTest::newRow("fastv 0.5") << "fastv" << 0.5 << true;
    QTest::newRow("all-1/16") << "all-1/16" << 1.0 << true;
}

void TestPrefillFlops::engineReportsTheBound()
{
    QFETCH(QString, method);
    QFETCH(double, budget);
    QFETCH(bool, shorter);
    const RunResult r = test::runOnTinyFixture("flops", method.toStdString(), budget);
    const PrefillFlops &f = r.flops;
    QVERIFY(f.full.encoder > 0 && f.full.llm() > 0);
    QCOMPARE(f.plan.encoder, f.full.encoder);
    if (!shorter) {
        QCOMPARE(f.llmBound(), 1.0);
        QCOMPARE(f.prefillBound(), 1.0);
        return;
    }
    QVERIFY2(f.llmBound() > 1.0, qPrintable(QString("LLM bound %1").arg(f.llmBound())));
    QVERIFY(f.prefillBound() > 1.0 && f.prefillBound() < f.llmBound());
    if (method == "fastv")
        QVERIFY(f.plan.llmBeforeK > 0 && f.plan.llmAfterK < f.full.llmAfterK + f.full.llmBeforeK);
}

// PyramidDrop's cuts after layers 7, 14, 21 of 28, keeping 128, 64, 32 of 256 visual rows: each
// part of the LLM costs its own rows through its own layers.
void TestPrefillFlops::pyramidCutsAddUpPartByPart()
{
    const ModelConfig c = fixtureShape("internvl3_5-1b-flash");
    PrefillShape shape;
    shape.tiles = 1;
    shape.textTokens = 40;
    shape.visualTokens = 256;
    shape.cuts = {{7, 128}, {14, 64}, {21, 32}};
    const PrefillFlops f = prefillFlops(c, shape);
    const double head = 2.0 * c.llm.hiddenSize * c.llm.vocabSize;
    QCOMPARE(f.plan.llmBeforeK, llmLayerFlops(c.llm, 296, 7));
    const double after = llmLayerFlops(c.llm, 168, 7) + llmLayerFlops(c.llm, 104, 7) + llmLayerFlops(c.llm, 72, 7);
    QVERIFY(std::abs(f.plan.llmAfterK - (after + head)) < 1e-9 * after);
    // Layer-averaged rows (256 + 128 + 64 + 32) / 4 = 120 visual: the bound sits near the linear form.
    const double linear = 296.0 / (40.0 + 120.0);
    QVERIFY2(f.llmBound() > linear * 0.97 && f.llmBound() < linear * 1.1,
             qPrintable(QString("LLM bound %1, linear form %2").arg(f.llmBound()).arg(linear)));
}

void TestPrefillFlops::badShapes()
{
    const ModelConfig c = fixtureShape("tiny");
    PrefillShape shape;
    shape.tiles = 1;
    shape.visualTokens = 4;
    shape.cuts = {{c.llm.numLayers, 2}};   // no layer after it
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prefillFlops(c, shape));
    shape.cuts = {{1, 2}, {1, 1}};          // two cuts at one layer
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prefillFlops(c, shape));
    shape.cuts = {{1, 2}, {2, 3}};          // a later cut keeping more rows
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prefillFlops(c, shape));
    shape.cuts.clear();
    shape.textTokens = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prefillFlops(c, shape));
    shape.textTokens = 3;
    shape.compressedTiles = 2;   // more than there are tiles
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prefillFlops(c, shape));
}

QTEST_APPLESS_MAIN(TestPrefillFlops)
#include "tst_prefill_flops.moc"
