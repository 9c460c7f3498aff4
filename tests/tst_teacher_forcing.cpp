// SPDX-License-Identifier: MIT
// The trainer sees exactly the sequences the engine runs: for a multi-tile image at 1/4, at 1/16
// and with tiles mixed, the teacher-forced pass (batched, no cache) must predict every token the
// engine's greedy decode produced (prefill + KV cache), so what the demo model is trained on is
// what TokenScope later measures.

#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "model/internvl_model.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "train/teacher_forcing.h"

#include <QtTest/QtTest>

using namespace tokenscope;

class TestTeacherForcing : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTheEnginesGreedyDecode_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("every tile at 1/4") << "full";
        QTest::newRow("every tile at 1/16") << "compressed";
    }

    void matchesTheEnginesGreedyDecode()
    {
        QFETCH(QString, mode);
        const auto dir = test::scratchDir("teacher-forcing");
        const auto modelDir = dir / "tiny";
        writeRandomCheckpoint(modelDir, fixtureShape("tiny"), {});
        const auto imagePath = dir / "wide.png";
        writePng(imagePath, test::gradientImage(168, 56));   // 3×1 grid + thumbnail at 56-px tiles

        auto engine = Engine::load(modelDir, {DeviceKind::Cpu, ComputeDType::Float32, 2});
        RunRequest request;
        request.imagePath = imagePath;
        request.question = "What colour is the circle?";
        request.mode = *parseRouteMode(mode.toStdString());
        request.maxNewTokens = 6;
        const RunResult result = engine->run(request);
        QVERIFY(result.answerIds.size() >= 2);

        const InternVLModel model = InternVLModel::load(modelDir, {});
        TrainingSet set;
        set.images.push_back({imagePath, {{request.question, result.answerIds, "", 1}}});
        const ImageBatch batch = loadImageBatch(model, set, {0});
        QCOMPARE(batch.tileCount(0), std::int64_t(4));
        torch::NoGradGuard noGrad;
        const auto patches = VisionEncoder::patchTokens(model.vision().forward(batch.pixels));
        const TileRatio ratio = mode == "full" ? TileRatio::Quarter : TileRatio::Sixteenth;
        ImageView view{0, model.projectTiles(patches, std::vector<TileRatio>(4, ratio))};
        const AnswerLogits scored = TeacherForcing(model, engine->tokenizer()).score(batch, {view});

        QCOMPARE(scored.logits.size(0), std::int64_t(result.answerIds.size()));
        const auto predicted = scored.logits.argmax(-1);
        for (std::size_t i = 0; i < result.answerIds.size(); ++i)
            QCOMPARE(predicted[std::int64_t(i)].item<std::int64_t>(), std::int64_t(result.answerIds[i]));
        QVERIFY(teacherForcedExactMatch(scored).all().item<bool>());
    }
};

QTEST_GUILESS_MAIN(TestTeacherForcing)
#include "tst_teacher_forcing.moc"
