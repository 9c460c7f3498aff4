// SPDX-License-Identifier: MIT
// Qwen2.5-VL's preprocessing and vision tower against an independent plain-PyTorch reference
// (scripts/reference/qwen2_5_vl_vision.py, written from transformers' modeling_qwen2_5_vl.py and
// image_processing_qwen2_vl.py), on a committed fixture: a tiny random-weight tower in the hub's
// tensor names, a real photo whose merged grid leaves windows cut off at the edge, and a synthetic
// image whose grid fills whole windows (the rule still pads by one window). Each stage is fed the
// reference's own input, so a difference points at one stage. fp32; tolerance 1e-4 of the scale.

#include <torch/torch.h>

#include "io/safetensors.h"
#include "model/qwen_vision_tower.h"
#include "model/tensor_loading.h"
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

class TestQwenVisionTower : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesReference_data();
    void matchesReference();
    void windowsOfAWholeGrid();
    void refusesBadInput();

private:
    Qwen25VLConfig m_config;
    nlohmann::json m_reference;
    std::optional<WeightStore> m_outputs;
    std::optional<QwenVisionTower> m_tower;
};

void TestQwenVisionTower::initTestCase()
{
    m_config = parseQwen25VLFolder(fixture);
    std::ifstream(fixture / "reference.json") >> m_reference;
    m_outputs = WeightStore::openFile(fixture / "reference.safetensors");
    const WeightStore weights = WeightStore::openFile(fixture / "model.safetensors");
    const auto params = loadParameters(weights, expectedQwenVisionTensors(m_config.vision, QwenTensorLayout::Hub), cpu);
    m_tower.emplace(m_config.vision, params, qwenVisionPrefix(QwenTensorLayout::Hub));
}

void TestQwenVisionTower::matchesReference_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("case0: photo, windows cut at the edge") << 0;
    QTest::newRow("case1: synthetic, whole windows") << 1;
}

void TestQwenVisionTower::matchesReference()
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

void TestQwenVisionTower::windowsOfAWholeGrid()
{
    // 16x16 patches = 8x8 merged tokens = 2x2 windows of 4x4; the rule pads by a whole extra
    // window row and column, whose empty windows must not appear as segments.
    const QwenWindows windows = qwenWindows({1, 16, 16}, m_config.vision);
    QCOMPARE(windows.bounds, (std::vector<std::int64_t>{0, 64, 128, 192, 256}));
    QCOMPARE(windows.order.size(0), std::int64_t(64));
    QCOMPARE(windows.order[4].item<std::int64_t>(), std::int64_t(8));    // the first window's second row
    QCOMPARE(windows.order[16].item<std::int64_t>(), std::int64_t(4));   // the second window starts at column 4
}

void TestQwenVisionTower::refusesBadInput()
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

QTEST_APPLESS_MAIN(TestQwenVisionTower)
#include "tst_qwen_vision_tower.moc"
