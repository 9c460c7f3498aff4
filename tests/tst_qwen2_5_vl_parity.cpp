// SPDX-License-Identifier: MIT
// Qwen2.5-VL against an independent plain-PyTorch reference (scripts/reference/qwen2_5_vl_vision.py,
// written from transformers' modeling_qwen2_5_vl.py and image_processing_qwen2_vl.py), on a
// committed fixture: a tiny random-weight checkpoint in the hub's tensor names, a real photo whose
// merged grid leaves windows cut off at the edge, a synthetic image whose grid fills whole windows
// (the rule still pads by one window), and prompts through the LLM with M-RoPE: with the photo's
// tokens, text only, and with half the image tokens dropped before the LLM (kept rows keep their 3-D
// positions). Each stage is fed the reference's own input, so a difference points at one stage.
// fp32; tolerance 1e-4 of the scale.

#include <torch/torch.h>

#include "compress/method_catalog.h"
#include "compress/vision_selector.h"
#include "io/safetensors.h"
#include "model/mrope_positions.h"
#include "model/qwen2_5_vl_model.h"
#include "model/tensor_loading.h"
#include "safetensors_rewrite.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

namespace {

const std::filesystem::path fixture =
    std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "tests/data/parity/qwen2_5_vl-vision";
const ComputeTarget cpu{torch::kCPU, torch::kFloat32};

void expectClose(const torch::Tensor &ours, const torch::Tensor &reference, const QString &stage)
{
    QVERIFY2(ours.sizes() == reference.sizes(), qPrintable(stage + ": shape differs"));
    const double scale = std::max(1.0, reference.abs().max().item<double>());
    const double worst = (ours.to(torch::kFloat32) - reference).abs().max().item<double>();
    QVERIFY2(worst <= 1e-4 * scale,
             qPrintable(QString("%1: max abs diff %2 > 1e-4 x %3").arg(stage).arg(worst).arg(scale)));
}

torch::Tensor bytesOf(const RgbImage &image)
{
    return torch::from_blob(const_cast<std::uint8_t *>(image.rgb.data()), {image.height, image.width, 3}, torch::kUInt8)
        .to(torch::kInt32);
}

}   // namespace

class TestQwen25VLParity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesReference_data();
    void matchesReference();
    void windowsOfAWholeGrid();
    void refusesBadInput();
    void promptPositions();
    void promptLogitsAndGreedy();
    void textPrompt();
    void prunedRowsKeepTheirPositions();
    void readsTheNestedLayout();
    void refusesBadPrompts();
    void releasedSelector();

private:
    torch::Tensor output(const std::string &name) const { return loadTensor(m_outputs->at(name), cpu); }
    std::vector<std::int64_t> ids(const std::string &name) const;
    // Greedy decoding for `steps` tokens after a prefill that left `last` [1, V].
    std::vector<std::int64_t> greedy(const LanguageModel &llm, torch::Tensor last, KVCache &cache, int steps) const;

    Qwen25VLConfig m_config;
    nlohmann::json m_reference;
    std::optional<WeightStore> m_outputs;
    std::optional<Qwen25VLModel> m_model;
    const QwenVisionTower *m_tower = nullptr;
};

void TestQwen25VLParity::initTestCase()
{
    m_model.emplace(Qwen25VLModel::load(fixture, cpu));
    QCOMPARE(m_model->layout(), QwenTensorLayout::Hub);
    m_config = m_model->config();
    m_tower = &m_model->vision();
    std::ifstream(fixture / "reference.json") >> m_reference;
    m_outputs = WeightStore::openFile(fixture / "reference.safetensors");
}

std::vector<std::int64_t> TestQwen25VLParity::ids(const std::string &name) const
{
    const auto t = output(name).to(torch::kLong).contiguous();
    return {t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel()};
}

std::vector<std::int64_t> TestQwen25VLParity::greedy(const LanguageModel &llm, torch::Tensor last, KVCache &cache,
                                                     int steps) const
{
    std::vector<std::int64_t> tokens;
    for (int step = 0; step < steps; ++step) {
        tokens.push_back(last.argmax(-1).item<std::int64_t>());
        last = llm.forward(llm.embed(torch::tensor({tokens.back()}, torch::kLong)), cache);
    }
    return tokens;
}

void TestQwen25VLParity::matchesReference_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("case0: photo, windows cut at the edge") << 0;
    QTest::newRow("case1: synthetic, whole windows") << 1;
}

void TestQwen25VLParity::matchesReference()
{
    QFETCH(int, index);
    const auto &entry = m_reference.at("cases").at(index);
    const std::string name = entry.at("case").get<std::string>();
    const auto tensor = [&](const std::string &key) { return loadTensor(m_outputs->at(name + "." + key), cpu); };
    const auto ids = [&](const std::string &key) { return tensor(key).to(torch::kLong); };

    // Preprocessing: the resize rule's size exactly, PIL's bicubic within one grey level.
    const RgbImage source =
        decodeImageFile(std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / entry.at("image").get<std::string>());
    const QwenImageInput input = qwenPreprocess(source, m_config.preprocessor, m_config.vision, "case");
    const RgbImage reference = decodeImageFile(fixture / (name + ".resized.png"));
    QCOMPARE(input.resized.height, reference.height);
    QCOMPARE(input.resized.width, reference.width);
    const auto greyLevels = (bytesOf(input.resized) - bytesOf(reference)).abs().max().item<int>();
    QVERIFY2(greyLevels <= 1, qPrintable(QString("resize differs from PIL by %1 grey levels").arg(greyLevels)));
    const torch::Tensor grid = ids("grid_thw");
    QCOMPARE(input.grid.t, grid[0].item<std::int64_t>());
    QCOMPARE(input.grid.h, grid[1].item<std::int64_t>());
    QCOMPARE(input.grid.w, grid[2].item<std::int64_t>());

    // From here on the reference's own resized bytes: the patch layout, positions and windows.
    const torch::Tensor pixels = qwenPixelValues(reference, m_config.preprocessor, m_config.vision);
    expectClose(pixels.slice(0, 0, 16), tensor("pixel_values_head"), "pixel_values (first 16 rows)");
    QVERIFY(torch::equal(qwenPatchPositions(input.grid, m_config.vision.spatialMergeSize), ids("rotary_pos_ids")));
    const QwenWindows windows = qwenWindows(input.grid, m_config.vision);
    QVERIFY(torch::equal(windows.order, ids("window_index")));
    const torch::Tensor bounds = ids("cu_window_seqlens");
    QCOMPARE(windows.bounds, std::vector<std::int64_t>(bounds.data_ptr<std::int64_t>(),
                                                       bounds.data_ptr<std::int64_t>() + bounds.numel()));

    // The tower, stage by stage.
    QwenVisionTrace trace;
    const torch::Tensor merged = m_tower->forward(pixels, input.grid, &trace);
    expectClose(trace.patchEmbeds, tensor("patch_embeds"), "patch embedding");
    expectClose(trace.firstBlock, tensor("block0_output"), "block 0 (windowed)");
    expectClose(trace.lastHidden, tensor("last_hidden"), "last block");
    expectClose(merged, tensor("merged"), "merger (raster order)");
}

void TestQwen25VLParity::windowsOfAWholeGrid()
{
    // 16x16 patches = 8x8 merged tokens = 2x2 windows of 4x4; the rule pads by a whole extra
    // window row and column, whose empty windows must not appear as segments.
    const QwenWindows windows = qwenWindows({1, 16, 16}, m_config.vision);
    QCOMPARE(windows.bounds, (std::vector<std::int64_t>{0, 64, 128, 192, 256}));
    QCOMPARE(windows.order.size(0), std::int64_t(64));
    QCOMPARE(windows.order[4].item<std::int64_t>(), std::int64_t(8));    // the first window's second row
    QCOMPARE(windows.order[16].item<std::int64_t>(), std::int64_t(4));   // the second window starts at column 4
}

void TestQwen25VLParity::refusesBadInput()
{
    const QwenPatchGrid grid{1, 4, 4};
    test::expectError(
        [&] {
            m_tower->forward(torch::zeros({15, m_config.vision.patchWidth()}), grid);
        },
        {"pixel_values must be [16, 1176]"});
    test::expectError(
        [&] {
            qwenPatchify(torch::zeros({3, 30, 28}), m_config.vision);
        },
        {"multiples of 28 px", "30x28"});
    RgbImage sliver{402, 2, std::vector<std::uint8_t>(402 * 2 * 3, 0)};   // aspect ratio 201
    test::expectError([&] { qwenPreprocess(sliver, m_config.preprocessor, m_config.vision, "sliver.png"); },
                      {"sliver.png"});
}

void TestQwen25VLParity::promptPositions()
{
    const std::vector<std::int64_t> prompt = ids("image.input_ids");
    const torch::Tensor grid = output("case0.grid_thw").to(torch::kLong);
    const QwenPatchGrid image{grid[0].item<std::int64_t>(), grid[1].item<std::int64_t>(), grid[2].item<std::int64_t>()};
    const MropePositions positions =
        multimodalPositions(prompt, {image}, m_config.imageTokenId, m_config.vision.spatialMergeSize);
    QVERIFY(torch::equal(positions.ids, output("image.position_ids").to(torch::kLong)));
    // rope_deltas = (max + 1) - L: where decoding resumes, relative to the prompt's length.
    QCOMPARE(positions.next - std::int64_t(prompt.size()),
             output("image.rope_delta").to(torch::kLong).item<std::int64_t>());
}

void TestQwen25VLParity::promptLogitsAndGreedy()
{
    const std::vector<std::int64_t> prompt = ids("image.input_ids");
    const torch::Tensor embeds = m_model->embedPrompt(prompt, {output("case0.merged")});
    expectClose(embeds, output("image.embeds"), "prompt embeddings with the image spliced in");
    const LanguageModel &llm = m_model->language();
    const torch::Tensor positions = output("image.position_ids").to(torch::kLong);
    const int steps = int(output("image.greedy_tokens").numel());
    KVCache cache = llm.newCache(embeds.size(0) + steps, embeds.options());
    const torch::Tensor logits = llm.forward(embeds, cache, /*allLogits=*/true, positions);
    expectClose(logits, output("image.logits"), "logits (image prompt, M-RoPE)");
    QCOMPARE(greedy(llm, logits.slice(0, -1), cache, steps), ids("image.greedy_tokens"));
}

void TestQwen25VLParity::textPrompt()
{
    const LanguageModel &llm = m_model->language();
    const auto prompt = output("text.input_ids").to(torch::kLong);
    KVCache cache = llm.newCache(prompt.size(0), torch::TensorOptions().dtype(torch::kFloat32));
    // One position per token is M-RoPE with three equal axes.
    expectClose(llm.forward(llm.embed(prompt), cache, /*allLogits=*/true), output("text.logits"),
                "logits (text prompt)");
}

void TestQwen25VLParity::prunedRowsKeepTheirPositions()
{
    // A pre-LLM method's plan: the kept rows only, each at its position in the full prompt;
    // decoding resumes after the full prompt's largest position.
    const LanguageModel &llm = m_model->language();
    const auto keep = output("pruned.keep").to(torch::kLong);
    const torch::Tensor embeds = output("image.embeds").index_select(0, keep);
    const torch::Tensor positions = output("image.position_ids").to(torch::kLong).index_select(1, keep);
    const int steps = int(output("pruned.greedy_tokens").numel());
    KVCache cache = llm.newCache(embeds.size(0) + steps, embeds.options());
    const torch::Tensor logits = llm.forward(embeds, cache, /*allLogits=*/true, positions);
    expectClose(logits, output("pruned.logits"), "logits (half the image rows dropped)");
    QCOMPARE(cache.nextPosition, output("image.position_ids").max().item<std::int64_t>() + 1);
    QCOMPARE(greedy(llm, logits.slice(0, -1), cache, steps), ids("pruned.greedy_tokens"));
}

void TestQwen25VLParity::readsTheNestedLayout()
{
    // The same checkpoint as transformers >= 4.52 saves it: model.visual.*, model.language_model.*.
    const auto dir = test::scratchDir("qwen2_5_vl-nested");
    for (const char *file : {"config.json", "preprocessor_config.json"})
        std::filesystem::copy_file(fixture / file, dir / file);
    test::rewriteSafetensors(fixture / "model.safetensors", dir / "model.safetensors", [](const std::string &name) {
        return name.rfind("visual.", 0) == 0 ? "model." + name
                                             : "model.language_model." + name.substr(std::string("model.").size());
    });
    const Qwen25VLModel model = Qwen25VLModel::load(dir, cpu);
    QCOMPARE(model.layout(), QwenTensorLayout::Nested);
    const auto prompt = output("text.input_ids").to(torch::kLong);
    KVCache cache = model.language().newCache(prompt.size(0), torch::TensorOptions().dtype(torch::kFloat32));
    expectClose(model.language().forward(model.language().embed(prompt), cache, true), output("text.logits"),
                "logits (nested layout)");
    // The released scorer moves with the tower: model.visual.importance_scorer.*.
    expectClose(
        visionSelectorScores(loadQwenVisionSelector(dir, QwenTensorLayout::Nested, 64, cpu), output("case0.merged")),
        output("selector.scores"), "VisionSelector scores (nested layout)");
}

void TestQwen25VLParity::refusesBadPrompts()
{
    const std::vector<std::int64_t> prompt = ids("image.input_ids");
    const QwenPatchGrid wrong{1, 16, 24};   // 96 merged tokens; the prompt has 84
    test::expectError([&] { multimodalPositions(prompt, {wrong}, m_config.imageTokenId, 2); },
                      {"image 1 has 84 image tokens; its grid needs 96"});
    test::expectError([&] { multimodalPositions(prompt, {}, m_config.imageTokenId, 2); },
                      {"more image-token runs than images"});
    test::expectError([&] { m_model->embedPrompt(prompt, {output("case1.merged")}); },
                      {"84 image tokens for 96 image features"});
    const LanguageModel &llm = m_model->language();
    KVCache cache = llm.newCache(4, torch::TensorOptions().dtype(torch::kFloat32));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, llm.forward(llm.embed(torch::zeros({4}, torch::kLong)), cache,
                                                                false, torch::zeros({2, 4}, torch::kLong)));
}

void TestQwen25VLParity::releasedSelector()
{
    // VisionSelector's released layout: the scorer inside the checkpoint as visual.importance_scorer.*,
    // scoring the merger's output in raster order; max(1, int(N·b)) kept, in ascending order.
    const nn::ParameterMap selector = loadQwenVisionSelector(fixture, QwenTensorLayout::Hub, 64, cpu);
    QCOMPARE(selector.size(), std::size_t(4));
    const torch::Tensor scores = visionSelectorScores(selector, output("case0.merged"));
    expectClose(scores, output("selector.scores"), "VisionSelector scores");
    const TokenSelection kept =
        selectionFromScores(scores, keptCount(0.3, int(scores.numel())), PositionPolicy::OriginalWithGaps);
    QCOMPARE(kept.kept, ids("selector.keep"));
    // A checkpoint without one has none (the engine then looks for selector.safetensors beside it).
    const auto bare = test::scratchDir("qwen2_5_vl-no-scorer");
    for (const char *file : {"config.json", "preprocessor_config.json"})
        std::filesystem::copy_file(fixture / file, bare / file);
    test::rewriteSafetensors(fixture / "model.safetensors", bare / "model.safetensors", [](const std::string &name) {
        return name.find("importance_scorer") == std::string::npos ? name : std::string();
    });
    QVERIFY(loadQwenVisionSelector(bare, QwenTensorLayout::Hub, 64, cpu).empty());
    test::expectError([&] { loadQwenVisionSelector(fixture, QwenTensorLayout::Hub, 128, cpu); },
                      {"visual.importance_scorer.q_proj.weight has shape [32, 64]", "LLM width 128"});
}

QTEST_APPLESS_MAIN(TestQwen25VLParity)
#include "tst_qwen2_5_vl_parity.moc"
