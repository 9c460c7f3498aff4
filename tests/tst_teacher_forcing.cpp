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
        set.images.push_back({imagePath, {{request.question, result.answerIds, "", -1, 1}}});
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

    // An image's questions are packed into one row that shares the prompt prefix; each question's
    // logits must equal those of the question scored alone, for every ratio mix.
    void packedQuestionsEqualSeparateSequences()
    {
        const auto dir = test::scratchDir("teacher-forcing-packed");
        const auto modelDir = dir / "tiny";
        writeRandomCheckpoint(modelDir, fixtureShape("tiny"), {});
        const auto imagePath = dir / "wide.png";
        writePng(imagePath, test::gradientImage(112, 56));   // 2×1 grid + thumbnail
        const InternVLModel model = InternVLModel::load(modelDir, {});
        const Tokenizer tokenizer = Tokenizer::fromFile(modelDir / "tokenizer.json");
        const std::vector<TrainingQuestion> questions{
            {"What colour is the circle?", {5, 9, 2}, "shape_colour", 0, 1},
            {"How many squares are there?", {7, 2}, "count_shapes", -1, 2},
            {"Describe the image.", {3, 4, 5, 6, 8, 2}, "read_all", -1, 3}};
        TrainingSet packed;
        packed.images.push_back({imagePath, questions});
        const ImageBatch batch = loadImageBatch(model, packed, {0});
        torch::NoGradGuard noGrad;
        const auto patches = VisionEncoder::patchTokens(model.vision().forward(batch.pixels));
        const std::vector<TileRatio> mixed{TileRatio::Sixteenth, TileRatio::Quarter, TileRatio::Quarter};
        const ImageView view{0, model.projectTiles(patches, mixed)};
        const TeacherForcing teacher(model, tokenizer);
        const AnswerLogits together = teacher.score(batch, {view, view});
        QCOMPARE(together.sequences, std::int64_t(6));
        QCOMPARE(together.sequenceQuestion.at(2)->category, std::string("read_all"));

        std::int64_t row = 0;
        for (const TrainingQuestion &q : questions) {
            TrainingSet alone;
            alone.images.push_back({imagePath, {q}});
            const AnswerLogits single = teacher.score(loadImageBatch(model, alone, {0}), {view});
            const auto n = single.logits.size(0);
            QVERIFY2(torch::allclose(together.logits.narrow(0, row, n), single.logits, 1e-4, 1e-5), q.question.c_str());
            row += n;
        }
    }
};

QTEST_GUILESS_MAIN(TestTeacherForcing)
#include "tst_teacher_forcing.moc"
