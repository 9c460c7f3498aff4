// SPDX-License-Identifier: MIT
// The GPU path against the CPU path (label gpu: built with a CUDA LibTorch, run on the GPU
// machine by scripts/gpu/run.sh; CPU CI skips the label). TokenScope's tile kernel against the
// CPU normalisation, whole engine runs on CUDA against the same runs on the CPU, and the trainer
// learning on CUDA (the demo model's base training wants a GPU's compute).

#include <torch/torch.h>

#include "compress/method_catalog.h"
#include "fixtures/random_checkpoint.h"
#include "model/device_pixels.h"
#include "pipeline/engine.h"
#include "test_support.h"
#include "train/synthetic_vqa.h"
#include "train/train_log.h"
#include "train/trainer.h"

#include <QtTest/QtTest>

using namespace tokenscope;
using test::noiseImage;

class TestGpuPath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void kernelMatchesCpuNormalisation_data();
    void kernelMatchesCpuNormalisation();
    void engineMatchesCpu_data();
    void engineMatchesCpu();
    void bfloat16Runs();
    void trainerLearnsOnCuda();

private:
    std::filesystem::path m_model;
};

void TestGpuPath::initTestCase()
{
    QVERIFY2(torch::cuda::is_available(), "label gpu: run on a machine with a CUDA GPU");
    m_model = test::scratchDir("gpu_path") / "tiny";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
}

void TestGpuPath::kernelMatchesCpuNormalisation_data()
{
    QTest::addColumn<int>("tileSize");
    QTest::addColumn<int>("dtype");
    // 448: the 16-byte path; 42: tile rows not a multiple of 4 pixels, the one-pixel path.
    QTest::newRow("448 fp32") << 448 << int(torch::kFloat32);
    QTest::newRow("448 bf16") << 448 << int(torch::kBFloat16);
    QTest::newRow("42 fp32") << 42 << int(torch::kFloat32);
    QTest::newRow("42 bf16") << 42 << int(torch::kBFloat16);
}

void TestGpuPath::kernelMatchesCpuNormalisation()
{
    QFETCH(int, tileSize);
    QFETCH(int, dtype);
    const auto type = static_cast<torch::ScalarType>(dtype);
    const ComputeTarget gpu{torch::Device(torch::kCUDA, 0), type};
    QVERIFY(deviceNormalisesPixels(gpu));

    // 3:2 -> a 3×2 grid + thumbnail: seven tiles through one launch.
    TilingOptions options;
    options.tileSize = tileSize;
    const RgbImage image = noiseImage(3 * tileSize + 17, 2 * tileSize + 5, 7);
    const TiledImage floats = tileImage(image, options);
    options.normalise = false;
    const TiledImage bytes = tileImage(image, options);
    QCOMPARE(bytes.tiles.size(), std::size_t(7));
    QVERIFY(bytes.pixels.empty());

    const auto reference = devicePixels(floats, {torch::kCPU, torch::kFloat32});
    const auto onGpu = devicePixels(bytes, gpu).cpu();
    QCOMPARE(onGpu.scalar_type(), type);
    QCOMPARE(onGpu.sizes().vec(), reference.sizes().vec());
    if (type == torch::kFloat32) {
        // scale·v + offset in float vs (v/255 - mean)/std in double, rounded once: a few ulps.
        QVERIFY2(torch::allclose(onGpu, reference, 0.0, 1e-5), "fp32 tiles differ from the CPU's");
    } else {
        // Rounded to bf16 from (nearly) the same float: equal, or one bf16 step apart on a tie.
        const double step = (reference.abs().max().item<double>()) / 128.0;
        const double worst = (onGpu.to(torch::kFloat32) - reference).abs().max().item<double>();
        QVERIFY2(worst <= step, qPrintable(QString("bf16 tiles off by %1").arg(worst)));
    }
}

void TestGpuPath::engineMatchesCpu_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("budget");
    for (const std::string &name : methodNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name) << 0.5;
    QTest::newRow("full") << QString("full") << 1.0;
}

void TestGpuPath::engineMatchesCpu()
{
    QFETCH(QString, method);
    QFETCH(double, budget);
    auto cpu = Engine::load(m_model, {DeviceKind::Cpu, ComputeDType::Float32, 2});
    auto gpu = Engine::load(m_model, {DeviceKind::Cuda, ComputeDType::Float32, 2});
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(noiseImage(112, 56, 3));
    request.question = "What is on the left?";
    request.maxNewTokens = 6;
    applyMethodChoice(request, chooseMethod(method.toStdString(), budget));
    const RunResult a = cpu->run(request);
    const RunResult b = gpu->run(request);
    QCOMPARE(b.device.substr(0, 4), std::string("cuda"));
    QCOMPARE(b.plan.tokensSent, a.plan.tokensSent);
    QCOMPARE(b.plan.tokens.size(), a.plan.tokens.size());
    for (std::size_t i = 0; i < a.plan.tokens.size(); ++i) {
        QCOMPARE(b.plan.tokens[i].kept, a.plan.tokens[i].kept);
        QCOMPARE(b.plan.tokens[i].mergedInto, a.plan.tokens[i].mergedInto);
        QVERIFY(std::abs(b.plan.tokens[i].score - a.plan.tokens[i].score) <= 1e-3f * (1.0f + std::abs(a.plan.tokens[i].score)));
    }
    for (std::size_t t = 0; t < a.plan.tiles.size(); ++t)
        QCOMPARE(b.plan.tiles[t].ratio, a.plan.tiles[t].ratio);
    QCOMPARE(b.answerIds, a.answerIds);
}

void TestGpuPath::bfloat16Runs()
{
    auto gpu = Engine::load(m_model, {DeviceKind::Cuda, ComputeDType::BFloat16, 2});
    RunRequest request;
    request.image = std::make_shared<const RgbImage>(noiseImage(336, 112, 5));
    request.question = "What is on the left?";
    request.maxNewTokens = 4;
    applyMethodChoice(request, chooseMethod("visionselector", 0.3));
    const RunResult r = gpu->run(request);
    QCOMPARE(r.dtype, std::string("bf16"));
    QCOMPARE(r.plan.tokensSent, keptCount(0.3, int(r.plan.tokens.size())));
    QVERIFY(r.timings.prefillMs > 0);
    QVERIFY(!r.answerIds.empty() || r.stoppedOnEos);
}

void TestGpuPath::trainerLearnsOnCuda()
{
    const auto dir = test::scratchDir("gpu_trainer");
    SyntheticOptions data;
    data.seed = 7;
    data.tileSize = 56;
    data.maxTiles = 4;
    data.images = 160;
    writeSyntheticSplit(dir / "data", "train", data);
    const auto tokenizer = test::runCli({"train-tokenizer", "--data", test::qPath(dir / "data/train.jsonl"), "--out",
                                         test::qPath(dir / "data/tokenizer.json")});
    QVERIFY2(tokenizer.exitCode == 0, qPrintable(tokenizer.err));

    TrainOptions base;
    base.stage = TrainStage::Base;
    base.data = dir / "data/train.jsonl";
    base.tokenizer = dir / "data/tokenizer.json";
    base.shape = "tiny";
    base.out = dir / "base";
    base.steps = 150;
    base.batchImages = 8;
    base.logEvery = 5;
    base.checkpointEvery = 50;
    base.validationImages = 0;
    base.learningRate = 3e-3;
    base.compute = {DeviceKind::Cuda, ComputeDType::Float32, 2};
    trainStage(base);
    // As tst_trainer's CPU run: the cross-entropy of the last logged steps well under the first's.
    std::vector<double> ce;
    for (const TrainLogEntry &entry : readStageLog(base.out).entries)
        ce.push_back(entry.values.at("ce"));
    QVERIFY(ce.size() >= 6);
    const double first = (ce[0] + ce[1] + ce[2]) / 3, last = (ce[ce.size() - 1] + ce[ce.size() - 2] + ce[ce.size() - 3]) / 3;
    QVERIFY2(last < 0.6 * first, qPrintable(QString("CE on CUDA %1 -> %2").arg(first).arg(last)));
}

QTEST_GUILESS_MAIN(TestGpuPath)
#include "tst_gpu_path.moc"
