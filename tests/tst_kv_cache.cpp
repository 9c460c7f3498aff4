// SPDX-License-Identifier: MIT
// KV-cache decoding equals full recomputation (fp32, max abs diff < 1e-5), for Qwen3 and Qwen2.

#include "fixtures/random_checkpoint.h"
#include "model/internvl_model.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace tokenscope;

class TestKvCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void incrementalEqualsFull_data();
    void incrementalEqualsFull();
    void explicitPositionsShiftRotary();
    void capacityIsChecked();
};

void TestKvCache::initTestCase()
{
    at::manual_seed(7);
}

void TestKvCache::incrementalEqualsFull_data()
{
    QTest::addColumn<QString>("shape");
    QTest::newRow("qwen3 (q/k norm, GQA 4/2, tied)") << "tiny";
    QTest::newRow("qwen2 (biases, untied)") << "tiny-qwen2";
}

void TestKvCache::incrementalEqualsFull()
{
    QFETCH(QString, shape);
    const auto dir = test::scratchDir("kv-" + shape.toStdString());
    writeRandomCheckpoint(dir, fixtureShape(shape.toStdString()), {});
    const InternVLModel model = InternVLModel::load(dir, {});
    const LanguageModel &llm = model.language();
    torch::NoGradGuard noGrad;

    const std::int64_t length = 13, width = llm.config().hiddenSize;
    auto embeds = torch::randn({length, width});

    KVCache full = llm.newCache(length, torch::kFloat32);
    auto reference = llm.forward(embeds, full, /*allLogits=*/true);   // [L, V]
    QCOMPARE(full.length, length);

    // Prefill 5, then one token at a time for 5, then a chunk of 3: the cache must carry the
    // causal structure and the rotary positions across calls.
    KVCache cache = llm.newCache(length, torch::kFloat32);
    std::vector<torch::Tensor> pieces;
    pieces.push_back(llm.forward(embeds.slice(0, 0, 5), cache, true));
    for (int i = 5; i < 10; ++i)
        pieces.push_back(llm.forward(embeds.slice(0, i, i + 1), cache, true));
    pieces.push_back(llm.forward(embeds.slice(0, 10, 13), cache, true));
    auto incremental = torch::cat(pieces, 0);
    const double maxDiff = (incremental - reference).abs().max().item<double>();
    QVERIFY2(maxDiff < 1e-5, qPrintable(QString("max abs diff %1").arg(maxDiff)));
    QVERIFY(reference.abs().max().item<double>() > 1e-3);   // not trivially zero

    // The last-position logits of the default mode equal the last row.
    KVCache again = llm.newCache(length, torch::kFloat32);
    auto last = llm.forward(embeds, again);
    QVERIFY((last[0] - reference[length - 1]).abs().max().item<double>() < 1e-6);
}

void TestKvCache::explicitPositionsShiftRotary()
{
    const auto dir = test::scratchDir("kv-positions");
    writeRandomCheckpoint(dir, fixtureShape("tiny"), {});
    const InternVLModel model = InternVLModel::load(dir, {});
    const LanguageModel &llm = model.language();
    torch::NoGradGuard noGrad;
    auto embeds = torch::randn({4, llm.config().hiddenSize});

    KVCache contiguous = llm.newCache(4, torch::kFloat32);
    auto a = llm.forward(embeds, contiguous, true);
    KVCache gapped = llm.newCache(4, torch::kFloat32);
    auto b = llm.forward(embeds, gapped, true, torch::tensor({0, 1, 5, 6}));
    // Same first two positions, different later ones; the cache remembers where to continue.
    QVERIFY((a.slice(0, 0, 2) - b.slice(0, 0, 2)).abs().max().item<double>() < 1e-6);
    QVERIFY((a.slice(0, 2) - b.slice(0, 2)).abs().max().item<double>() > 1e-6);
    QCOMPARE(gapped.nextPosition, std::int64_t(7));
    QCOMPARE(contiguous.nextPosition, std::int64_t(4));
}

void TestKvCache::capacityIsChecked()
{
    const auto dir = test::scratchDir("kv-capacity");
    writeRandomCheckpoint(dir, fixtureShape("tiny"), {});
    const InternVLModel model = InternVLModel::load(dir, {});
    torch::NoGradGuard noGrad;
    KVCache cache = model.language().newCache(2, torch::kFloat32);
    QVERIFY_THROWS_EXCEPTION(std::length_error,
                             model.language().forward(torch::zeros({3, model.config().llm.hiddenSize}), cache));
}

QTEST_APPLESS_MAIN(TestKvCache)
#include "tst_kv_cache.moc"
