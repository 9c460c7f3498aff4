// SPDX-License-Identifier: MIT
// The shipped demo model (resources/models/demo) on a fixed slice of the synthetic test split:
// the first 200 questions of `make-dataset --seed 1 --test 500` (regenerated here, bit for bit the
// split MODEL_CARD.md reports on), answered by the engine with every visual token.

#include "eval/dataset.h"
#include "eval/metrics.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "train/synthetic_vqa.h"

#include <QtTest/QtTest>

using namespace tokenscope;

namespace {
// The goal for the demo model is 85%. The shipped model (task v2, MODEL_CARD.md) holds 68.5% on
// this slice; the floor (tests/CMakeLists.txt) sits 3 points below it, so a regression in the
// engine, tokenizer, tiling or weights fails here.
constexpr double kMinimumExactMatch = TOKENSCOPE_DEMO_MODEL_FLOOR;
constexpr int kQuestions = 200;
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

        auto engine = Engine::load(std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "resources/models/demo",
                                   {DeviceKind::Cpu, ComputeDType::Float32, 0});
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
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "tst_demo_model.moc"
