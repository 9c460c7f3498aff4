// SPDX-License-Identifier: MIT
// Every bad model folder or request gives one clear Error naming the file and the problem.

#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "io/safetensors.h"
#include "pipeline/engine.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

class TestCheckpointErrors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void missingFolderAndFiles();
    void missingTensor();
    void wrongShape();
    void wrongDtype();
    void truncatedWeights();
    void badConfigField();
    void tokenizerWithoutImageTokens();
    void badRequests();
    void nonFlashModelRejectsRouting();

private:
    std::filesystem::path freshCopy(const std::string &name);
    // Rewrites model.safetensors after `edit` has changed the tensor list.
    void rewriteWeights(const std::filesystem::path &dir, const std::function<void(std::vector<TensorData> &)> &edit);

    std::filesystem::path m_root;
    std::filesystem::path m_model;
    std::filesystem::path m_image;
};

void TestCheckpointErrors::initTestCase()
{
    m_root = test::scratchDir("checkpoint-errors");
    m_model = m_root / "good";
    writeRandomCheckpoint(m_model, fixtureShape("tiny"), {});
    m_image = m_root / "image.png";
    writePng(m_image, RgbImage{8, 8, std::vector<std::uint8_t>(8 * 8 * 3, 128)});
}

std::filesystem::path TestCheckpointErrors::freshCopy(const std::string &name)
{
    const auto dir = m_root / name;
    std::filesystem::remove_all(dir);
    std::filesystem::copy(m_model, dir);
    return dir;
}

void TestCheckpointErrors::rewriteWeights(const std::filesystem::path &dir,
                                          const std::function<void(std::vector<TensorData> &)> &edit)
{
    std::vector<TensorData> tensors;
    {
        const WeightStore store = WeightStore::openDirectory(dir);
        for (const std::string &name : store.names()) {
            const TensorView &v = store.at(name);
            tensors.push_back({name, v.dtype, v.shape, std::vector<std::byte>(v.data.begin(), v.data.end())});
        }
    }
    edit(tensors);
    writeSafetensors(dir / "model.safetensors", tensors);
}

void TestCheckpointErrors::missingFolderAndFiles()
{
    test::expectError([&] { Engine::load(m_root / "nope"); }, {"nope", "is not a model folder"});
    // A folder of something else (here: images) says what a model folder holds.
    const auto images = m_root / "images";
    std::filesystem::create_directories(images);
    test::expectError([&] { Engine::load(images); },
                      {"images", "is not a model folder", "config.json", "model.safetensors", "tokenizer.json"});
    const auto noConfig = freshCopy("no-config");
    std::filesystem::remove(noConfig / "config.json");
    test::expectError([&] { Engine::load(noConfig); }, {"no-config/config.json", "cannot be opened"});
    const auto noTokenizer = freshCopy("no-tokenizer");
    std::filesystem::remove(noTokenizer / "tokenizer.json");
    test::expectError([&] { Engine::load(noTokenizer); }, {"no-tokenizer/tokenizer.json", "is missing"});
    const auto noWeights = freshCopy("no-weights");
    std::filesystem::remove(noWeights / "model.safetensors");
    test::expectError([&] { Engine::load(noWeights); }, {"no-weights", "model.safetensors"});
}

void TestCheckpointErrors::missingTensor()
{
    const auto dir = freshCopy("missing-tensor");
    rewriteWeights(dir, [](std::vector<TensorData> &t) {
        std::erase_if(t, [](const TensorData &d) { return d.name == "mlp2.4.weight"; });
    });
    test::expectError([&] { Engine::load(dir); }, {"missing-tensor", "missing tensor 'mlp2.4.weight'"});
}

void TestCheckpointErrors::wrongShape()
{
    const auto dir = freshCopy("wrong-shape");
    rewriteWeights(dir, [](std::vector<TensorData> &t) {
        for (TensorData &d : t)
            if (d.name == "gating.gate.1.weight")   // [2, 64] -> [4, 32]: same bytes, wrong shape
                d.shape = {4, 32};
    });
    test::expectError([&] { Engine::load(dir); },
                      {"model.safetensors", "tensor 'gating.gate.1.weight' has shape [4, 32]", "implies [2, 64]"});
}

void TestCheckpointErrors::wrongDtype()
{
    const auto dir = freshCopy("wrong-dtype");
    // Patch the dtype string inside the header: "F32" -> "I32" keeps the header length.
    const auto file = dir / "model.safetensors";
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto at = bytes.find("\"F32\"");
    QVERIFY(at != std::string::npos);
    bytes.replace(at, 5, "\"I32\"");
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    test::expectError([&] { Engine::load(dir); }, {"model.safetensors", "I32"});
}

void TestCheckpointErrors::truncatedWeights()
{
    const auto dir = freshCopy("truncated");
    const auto file = dir / "model.safetensors";
    std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
    test::expectError([&] { Engine::load(dir); }, {"model.safetensors"});
}

void TestCheckpointErrors::badConfigField()
{
    const auto dir = freshCopy("bad-config");
    ModelConfig c = fixtureShape("tiny");
    c.psVersion = "v1";
    std::ofstream(dir / "config.json", std::ios::trunc) << modelConfigToJson(c);
    test::expectError([&] { Engine::load(dir); }, {"config.json", "ps_version: 'v1' is not supported"});
}

void TestCheckpointErrors::tokenizerWithoutImageTokens()
{
    const auto dir = freshCopy("plain-tokenizer");
    writeByteLevelBpeTokenizer(dir / "tokenizer.json", {{}, {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}});
    test::expectError([&] { Engine::load(dir); }, {"tokenizer.json", "has no token '<IMG_CONTEXT>'"});
}

void TestCheckpointErrors::badRequests()
{
    auto engine = Engine::load(m_model);
    RunRequest request;
    request.question = "What is it?";
    request.imagePath = m_root / "missing.png";
    test::expectError([&] { engine->run(request); }, {"missing.png"});

    const auto corrupt = m_root / "corrupt.png";
    std::ofstream(corrupt, std::ios::binary) << "this is not an image";
    request.imagePath = corrupt;
    test::expectError([&] { engine->run(request); }, {"corrupt.png"});

    const auto truncated = m_root / "truncated.png";
    std::filesystem::copy_file(m_image, truncated, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) - 20);
    request.imagePath = truncated;
    test::expectError([&] { engine->run(request); }, {"truncated.png"});

    request.imagePath = m_image;
    request.question = "  \n ";
    test::expectError([&] { engine->run(request); }, {"question", "is empty"});

    request.question = "ok";
    request.thresholds = RouterThresholds{1.5, 0.5};
    test::expectError([&] { engine->run(request); }, {"relative threshold", "must be in [0, 1]"});
    request.thresholds.reset();
    request.mode = RouteMode::TargetBudget;
    request.targetBudget = 0.0;
    test::expectError([&] { engine->run(request); }, {"target budget", "must be in (0, 1]"});
}

void TestCheckpointErrors::nonFlashModelRejectsRouting()
{
    const auto dir = freshCopy("not-flash");
    ModelConfig c = fixtureShape("tiny");
    c.flash = false;   // extra mlp2/router tensors in the file are ignored
    std::ofstream(dir / "config.json", std::ios::trunc) << modelConfigToJson(c);
    auto engine = Engine::load(dir);
    QVERIFY(!engine->info().flash);
    RunRequest request;
    request.imagePath = m_image;
    request.question = "What?";
    test::expectError([&] { engine->run(request); }, {"config.json", "needs an InternVL-Flash model"});
    request.mode = RouteMode::AllFull;
    request.maxNewTokens = 2;
    QCOMPARE(engine->run(request).plan.method, std::string("none"));
}

QTEST_APPLESS_MAIN(TestCheckpointErrors)
#include "tst_checkpoint_errors.moc"
