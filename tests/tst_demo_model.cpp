// SPDX-License-Identifier: MIT
// The shipped demo model (resources/models/demo) on a fixed slice of the synthetic test split:
// the first 200 questions of `make-dataset --seed 1 --test 500` (regenerated here, bit for bit the
// split MODEL_CARD.md reports on), answered by the engine with every visual token; and the router
// stage run on its weights, whose fresh router must beat a random one on held-out images.

#include "eval/dataset.h"
#include "eval/metrics.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "train/synthetic_vqa.h"
#include "train/trainer.h"

#include <QtTest/QtTest>

using namespace tokenscope;

namespace {
// The goal for the demo model is 85%. The shipped model (task v2, MODEL_CARD.md) holds 74.0% on
// this slice; the floor (tests/CMakeLists.txt) sits 3 points below it, so a regression in the
// engine, tokenizer, tiling or weights fails here.
constexpr double kMinimumExactMatch = TOKENSCOPE_DEMO_MODEL_FLOOR;
constexpr int kQuestions = 200;

const std::filesystem::path kDemoModel = std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "resources/models/demo";
} // namespace

class TestDemoModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void answersTheTestSlice()
    {
        const auto dir = test::scratchDir("demo-model");
        SyntheticOptions options;   // make-dataset's defaults: seed 1, 112-px tiles, up to 6 tiles
        options.images = 500;
        writeSyntheticSplit(dir, "test", options);
        const Dataset test = loadDataset(dir / "test.jsonl");
        QVERIFY(int(test.samples.size()) >= kQuestions);

        auto engine = Engine::load(kDemoModel, {DeviceKind::Cpu, ComputeDType::Float32, 0});
        std::map<std::string, std::pair<double, int>> perCategory;
        double correct = 0;
        for (int i = 0; i < kQuestions; ++i) {
            const EvalSample &s = test.samples[std::size_t(i)];
            RunRequest request;
            request.imagePath = s.image;
            request.question = s.question;
            request.mode = RouteMode::AllFull;
            request.maxNewTokens = 8;
            const double score = scoreAnswer(Metric::ExactMatch, engine->run(request).answer, s.answers);
            correct += score;
            perCategory[s.category].first += score;
            ++perCategory[s.category].second;
        }
        for (const auto &[category, tally] : perCategory)
            qInfo("%-14s %5.1f%% of %d", category.c_str(), 100 * tally.first / tally.second, tally.second);
        const double accuracy = correct / kQuestions;
        qInfo("exact match %.1f%% on %d questions", 100 * accuracy, kQuestions);
        QVERIFY2(accuracy >= kMinimumExactMatch, qPrintable(QString("exact match %1 < %2").arg(accuracy).arg(kMinimumExactMatch)));
    }

    // A model that reads gives the router stage something to learn: which tiles lose the answer at
    // 1/16. The stage starts the router afresh (the shipped one is replaced), trains 40 steps on
    // 400 images, then sends half of each held-out image's tiles at 1/16, chosen by the router or
    // at random. An untrained router is a fixed ranking, which can beat a random one by chance, so
    // the trained one must also beat its own starting point. Measured 2026-12-07 with the shipped
    // model on these 60 images, held-out CE minus random's at seeds 1, 2, 3: trained −0.081,
    // −0.082, −0.061; untrained −0.002, −0.041, +0.019; trained minus untrained −0.079, −0.040, −0.079.
    void aRouterTrainedOnItBeatsARandomOne()
    {
        const auto dir = test::scratchDir("demo-router");
        SyntheticOptions options;
        options.seed = 5;
        options.images = 400;
        writeSyntheticSplit(dir, "train", options);
        options.seed = 6;
        options.images = 60;
        writeSyntheticSplit(dir, "val", options);

        TrainOptions o;
        o.stage = TrainStage::Router;
        o.from = kDemoModel;
        o.out = dir / "router";
        o.data = dir / "train.jsonl";
        o.validation = dir / "val.jsonl";
        o.steps = 40;
        o.batchImages = 8;
        o.routerWindow = 128;
        o.validationImages = 0;
        o.compute.threads = 2;
        const TrainReport trained = trainStage(o);
        o.out = dir / "untrained";
        o.steps = 1;
        o.learningRate = 1e-12;   // one step that moves nothing: the fresh router as it starts
        const TrainReport untrained = trainStage(o);

        const double router = trained.validation.at("router_half_ce"), random = trained.validation.at("random_half_ce");
        const double start = untrained.validation.at("router_half_ce");
        qInfo("held-out CE with half the tiles at 1/16: router %.4f, untrained router %.4f, random %.4f, none %.4f; "
              "exact match %.3f, %.3f, %.3f",
              router, start, random, trained.validation.at("full_ce"), trained.validation.at("router_half_em"),
              untrained.validation.at("router_half_em"), trained.validation.at("random_half_em"));
        QCOMPARE(untrained.validation.at("random_half_ce"), random);   // the same random halves
        QVERIFY2(router < random - 0.03, qPrintable(QStringLiteral("router %1, random %2").arg(router).arg(random)));
        QVERIFY2(router < start - 0.025, qPrintable(QStringLiteral("router %1, untrained %2").arg(router).arg(start)));
    }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "tst_demo_model.moc"
