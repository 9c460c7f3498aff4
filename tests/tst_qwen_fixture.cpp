// SPDX-License-Identifier: MIT
// make-fixture's Qwen2.5-VL checkpoints: the tiny one loads through the real path and answers a
// prompt with an image; its shards load the same; it carries a VisionSelector scorer under the
// released checkpoints' names; the 3B and 7B shapes have the published models' tensor counts and
// sizes.

#include <torch/torch.h>

#include "compress/method_catalog.h"
#include "compress/vision_selector.h"
#include "fixtures/random_qwen_checkpoint.h"
#include "model/mrope_positions.h"
#include "model/qwen2_5_vl_model.h"
#include "pipeline/engine.h"
#include "pipeline/qwen_answer.h"
#include "pipeline/qwen_runner.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <algorithm>

using namespace tokenscope;

namespace {

const ComputeTarget cpu{torch::kCPU, torch::kFloat32};

std::int64_t parameterCount(const Qwen25VLConfig &config)
{
    std::int64_t total = 0;
    for (const ExpectedTensor &t : expectedQwen25VLTensors(config, QwenTensorLayout::Hub)) {
        if (!t.required)
            continue;   // a tied lm_head is the embedding matrix
        std::int64_t n = 1;
        for (auto d : t.shape)
            n *= d;
        total += n;
    }
    return total;
}

// The last logits of a chat prompt holding `image` (the Qwen2.5-VL template's user turn).
torch::Tensor answerLogits(const std::filesystem::path &dir, const RgbImage &image)
{
    const Qwen25VLModel model = Qwen25VLModel::load(dir, cpu);
    const Qwen25VLConfig &c = model.config();
    const QwenImageInput input = qwenPreprocess(image, c.preprocessor, c.vision, "image");
    const torch::Tensor merged = model.vision().forward(input.pixelValues, input.grid);
    const Tokenizer tokenizer = Tokenizer::fromFile(dir / "tokenizer.json");
    std::vector<std::int64_t> ids;
    auto add = [&](const std::string &text) {
        for (TokenId id : tokenizer.encode(text))
            ids.push_back(id);
    };
    add("<|im_start|>user\n<|vision_start|>");
    ids.insert(ids.end(), std::size_t(merged.size(0)), c.imageTokenId);
    add("<|vision_end|>What is this?<|im_end|>\n<|im_start|>assistant\n");
    const MropePositions positions = multimodalPositions(ids, {input.grid}, c.imageTokenId, c.vision.spatialMergeSize);
    const torch::Tensor embeds = model.embedPrompt(ids, {merged});
    KVCache cache = model.language().newCache(embeds.size(0), embeds.options());
    return model.language().forward(embeds, cache, false, positions.ids);
}

}   // namespace

class TestQwenFixture : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tinyLoadsAndAnswers();
    void answersWithAndWithoutTheScorer();
    void commandLineAndEngine();
    void publishedShapes_data();
    void publishedShapes();
    void unknownShape();
};

void TestQwenFixture::tinyLoadsAndAnswers()
{
    const auto dir = test::scratchDir("qwen-tiny");
    writeRandomQwenCheckpoint(dir, qwenFixtureShape("qwen2_5_vl-tiny"), {}, /*releasedScorer=*/true);
    const Qwen25VLConfig config = parseQwen25VLFolder(dir);
    const Tokenizer tokenizer = Tokenizer::fromFile(dir / "tokenizer.json");
    QCOMPARE(std::int64_t(config.imageTokenId), std::int64_t(*tokenizer.tokenToId("<|image_pad|>")));
    QCOMPARE(std::int64_t(config.visionStartTokenId), std::int64_t(*tokenizer.tokenToId("<|vision_start|>")));
    QCOMPARE(config.llm.eosTokenIds, std::vector<int>{int(*tokenizer.tokenToId("<|im_end|>"))});
    const WeightStore weights = WeightStore::openDirectory(dir);
    for (const char *name : {"visual.importance_scorer.q_proj.weight", "visual.importance_scorer.k_proj.bias"})
        QVERIFY2(weights.contains(name), name);
    QCOMPARE(weights.at("visual.importance_scorer.q_proj.weight").shape, (std::vector<std::int64_t>{32, 64}));
    QVERIFY(!weights.contains("lm_head.weight"));   // tied

    const RgbImage photo =
        decodeImageFile(std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "resources/images/chelsea.png");
    const torch::Tensor logits = answerLogits(dir, photo);
    QCOMPARE(logits.sizes(), (torch::IntArrayRef{1, 512}));
    QVERIFY(torch::isfinite(logits).all().item<bool>());

    // The same weights in three shards with an index give the same answer.
    const auto sharded = test::scratchDir("qwen-tiny-sharded");
    FixtureOptions three;
    three.shards = 3;
    writeRandomQwenCheckpoint(sharded, qwenFixtureShape("qwen2_5_vl-tiny"), three, true);
    QVERIFY(std::filesystem::exists(sharded / "model.safetensors.index.json"));
    QVERIFY(torch::equal(answerLogits(sharded, photo), logits));
}

void TestQwenFixture::answersWithAndWithoutTheScorer()
{
    const auto dir = test::scratchDir("qwen-answer");
    writeRandomQwenCheckpoint(dir, qwenFixtureShape("qwen2_5_vl-tiny"), {}, /*releasedScorer=*/true);
    const Qwen25VLModel model = Qwen25VLModel::load(dir, cpu);
    const Tokenizer tokenizer = Tokenizer::fromFile(dir / "tokenizer.json");
    const nn::ParameterMap selector = loadQwenVisionSelector(dir, model.layout(), 64, cpu);
    const RgbImage photo =
        decodeImageFile(std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "resources/images/chelsea.png");
    const std::string question = "What is in the image?";

    const QwenAnswer full = answerQwen(model, tokenizer, photo, "chelsea.png", question, selector, 1.0, 4);
    QCOMPARE(full.visualTokens, full.grid.h * full.grid.w / 4);
    QCOMPARE(std::int64_t(full.kept.size()), full.visualTokens);
    QVERIFY(full.scores.empty());
    const auto promptIds = tokenizer.encode(buildQwenChatPrompt(question, full.visualTokens));
    QCOMPARE(full.promptTokens, std::int64_t(promptIds.size()));
    QCOMPARE(std::count(promptIds.begin(), promptIds.end(), TokenId(model.config().imageTokenId)),
             std::ptrdiff_t(full.visualTokens));
    QCOMPARE(int(promptIds.front()), int(*tokenizer.tokenToId("<|im_start|>")));

    const QwenAnswer pruned = answerQwen(model, tokenizer, photo, "chelsea.png", question, selector, 0.3, 4);
    const int keep = keptCount(0.3, int(pruned.visualTokens));
    QCOMPARE(int(pruned.kept.size()), keep);
    QCOMPARE(pruned.promptTokens, full.promptTokens - (full.visualTokens - keep));
    QVERIFY(std::is_sorted(pruned.kept.begin(), pruned.kept.end()));
    // The kept tokens are the best scored.
    float lowestKept = 1e30f, highestDropped = -1e30f;
    for (std::int64_t i = 0; i < pruned.visualTokens; ++i) {
        const bool kept = std::binary_search(pruned.kept.begin(), pruned.kept.end(), i);
        (kept ? lowestKept : highestDropped) = kept ? std::min(lowestKept, pruned.scores[std::size_t(i)])
                                                    : std::max(highestDropped, pruned.scores[std::size_t(i)]);
    }
    QVERIFY(lowestKept >= highestDropped);
    QVERIFY(pruned.ids.size() <= 4 && full.ids.size() <= 4);

    test::expectError([&] { answerQwen(model, tokenizer, photo, "chelsea.png", question, {}, 0.5, 4); },
                      {"needs a scorer", "selector.safetensors"});
    test::expectError([&] { answerQwen(model, tokenizer, photo, "chelsea.png", question, selector, 0.0, 4); },
                      {"budget", "(0, 1]"});
}

void TestQwenFixture::commandLineAndEngine()
{
    const auto dir = test::scratchDir("qwen-cli");
    writeRandomQwenCheckpoint(dir, qwenFixtureShape("qwen2_5_vl-tiny"), {}, /*releasedScorer=*/true);
    QVERIFY(isQwen25VLFolder(dir));
    QProcess cli;
    cli.start(TOKENSCOPE_CLI,
              {"run", "--model", test::qPath(dir), "--image",
               QString(TOKENSCOPE_SOURCE_DIR) + "/resources/images/chelsea.png", "--question", "What is it?",
               "--method", "visionselector", "--budget", "0.25", "--max-new-tokens", "3", "--json", "--threads", "1"});
    QVERIFY(cli.waitForFinished(120000));
    const QByteArray out = cli.readAllStandardOutput();
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const auto json = nlohmann::json::parse(out.toStdString());
    QCOMPARE(json.at("family").get<std::string>(), std::string("qwen2_5_vl"));
    const int visual = json.at("visual_tokens").get<int>();
    QCOMPARE(json.at("kept_tokens").get<int>(), keptCount(0.25, visual));
    QCOMPARE(int(json.at("kept").size()), keptCount(0.25, visual));
    // Methods that need the engine's seam are refused by name; the engine says where Qwen runs.
    cli.start(TOKENSCOPE_CLI, {"run", "--model", test::qPath(dir), "--image",
                               QString(TOKENSCOPE_SOURCE_DIR) + "/resources/images/chelsea.png", "--question",
                               "What is it?", "--method", "fastv", "--budget", "0.25"});
    QVERIFY(cli.waitForFinished(120000));
    QVERIFY(cli.exitCode() != 0);
    QVERIFY2(cli.readAllStandardError().contains("method 'fastv': does not run on Qwen2.5-VL yet"),
             "fastv not refused");
    test::expectError([&] { Engine::load(dir, test::oneThread); }, {"is a Qwen2.5-VL model", "tokenscope-cli run"});
}

void TestQwenFixture::publishedShapes_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("tensors");
    QTest::addColumn<qint64>("parameters");
    // 3B: 36 LLM layers, tied embeddings (no lm_head tensor); 7B: 28 layers and an lm_head.
    QTest::newRow("3B") << "qwen2_5_vl-3b" << (1 + 32 * 12 + 5) + (1 + 36 * 12 + 1) << qint64(3754622976);
    QTest::newRow("7B") << "qwen2_5_vl-7b" << 729 << qint64(8292166656);
}

void TestQwenFixture::publishedShapes()
{
    QFETCH(QString, shape);
    QFETCH(int, tensors);
    QFETCH(qint64, parameters);
    const Qwen25VLConfig config = qwenFixtureShape(shape.toStdString());
    int required = 0;
    for (const auto &t : expectedQwen25VLTensors(config, QwenTensorLayout::Hub))
        required += t.required ? 1 : 0;
    QCOMPARE(required, tensors);
    QCOMPARE(qint64(parameterCount(config)), parameters);
}

void TestQwenFixture::unknownShape()
{
    test::expectError([] { qwenFixtureShape("qwen2_5_vl-72b"); },
                      {"--shape", "qwen2_5_vl-tiny, qwen2_5_vl-3b, qwen2_5_vl-7b"});
}

QTEST_APPLESS_MAIN(TestQwenFixture)
#include "tst_qwen_fixture.moc"
