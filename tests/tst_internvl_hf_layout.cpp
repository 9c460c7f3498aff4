// SPDX-License-Identifier: MIT
// InternVL checkpoints in transformers' layout (the "-HF" repositories): a released-layout fixture
// rewritten the way convert_internvl_weights_to_hf.py does (renames, InternViT qkv split into q/k/v,
// transformers' config.json), in both prefix styles, loads to the same parameters and gives the
// same answer and plan through the engine; settings TokenScope does not compute are refused.

#include <torch/torch.h>

#include "fixtures/random_checkpoint.h"
#include "io/internvl_hf_layout.h"
#include "model/internvl_model.h"
#include "pipeline/engine.h"
#include "safetensors_rewrite.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

namespace {

const ComputeTarget cpu{torch::kCPU, torch::kFloat32};

// `chatDir`'s checkpoint in transformers' layout, written to `hfDir`.
void convertToTransformersLayout(const std::filesystem::path &chatDir, const std::filesystem::path &hfDir,
                                 HfPrefix prefix)
{
    std::filesystem::create_directories(hfDir);
    std::filesystem::copy_file(chatDir / "tokenizer.json", hfDir / "tokenizer.json");
    const ModelConfig config = parseModelConfig(chatDir / "config.json");
    writeFixtureText(hfDir / "config.json", internVLHfConfigToJson(config));
    const WeightStore chat = WeightStore::openDirectory(chatDir);
    std::vector<TensorData> out;
    for (const std::string &name : chat.names()) {
        const TensorView &view = chat.at(name);
        if (const auto qkv = internVLHfQkvNames(name, prefix); !qkv[0].empty()) {
            // Rows q, then k, then v.
            std::vector<std::int64_t> shape = view.shape;
            shape[0] /= 3;
            const std::size_t third = view.data.size() / 3;
            for (std::size_t i = 0; i < 3; ++i)
                out.push_back(
                    {qkv[i], view.dtype, shape, {view.data.begin() + i * third, view.data.begin() + (i + 1) * third}});
            continue;
        }
        const std::string hf = internVLHfName(name, prefix);
        QVERIFY2(!hf.empty(), name.c_str());
        out.push_back({hf, view.dtype, view.shape, {view.data.begin(), view.data.end()}});
    }
    writeSafetensors(hfDir / "model.safetensors", out);
}

ModelConfig nonFlash(const std::string &shape)
{
    ModelConfig c = fixtureShape(shape);
    c.flash = false;   // transformers' InternVL has no mlp2 and no router
    c.flashMode = false;
    return c;
}

}   // namespace

class TestInternVLHfLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void namesMapBothWays();
    void namesAgreeWithTheGpuScriptsTable();
    void loadsTheSameModel_data();
    void loadsTheSameModel();
    void refusesWhatItCannotCompute_data();
    void refusesWhatItCannotCompute();
    void missingProjectionNamesTheTensor();
};

void TestInternVLHfLayout::namesMapBothWays()
{
    QCOMPARE(internVLHfName("vision_model.encoder.layers.3.ls1", HfPrefix::Model),
             std::string("model.vision_tower.encoder.layer.3.lambda_1"));
    QCOMPARE(internVLHfName("vision_model.encoder.layers.12.attn.proj.bias", HfPrefix::Bare),
             std::string("vision_tower.encoder.layer.12.attention.projection_layer.bias"));
    QCOMPARE(internVLHfName("vision_model.encoder.layers.0.norm2.weight", HfPrefix::Model),
             std::string("model.vision_tower.encoder.layer.0.layernorm_after.weight"));
    QCOMPARE(internVLHfName("mlp1.3.weight", HfPrefix::Model),
             std::string("model.multi_modal_projector.linear_2.weight"));
    QCOMPARE(internVLHfName("language_model.model.layers.2.mlp.up_proj.weight", HfPrefix::Model),
             std::string("model.language_model.layers.2.mlp.up_proj.weight"));
    QCOMPARE(internVLHfName("language_model.model.norm.weight", HfPrefix::Bare),
             std::string("language_model.model.norm.weight"));
    QCOMPARE(internVLHfName("language_model.lm_head.weight", HfPrefix::Model), std::string("lm_head.weight"));
    QCOMPARE(internVLHfName("mlp2.1.weight", HfPrefix::Model), std::string());
    const auto qkv = internVLHfQkvNames("vision_model.encoder.layers.5.attn.qkv.bias", HfPrefix::Model);
    QCOMPARE(qkv[1], std::string("model.vision_tower.encoder.layer.5.attention.k_proj.bias"));
    QVERIFY(internVLHfQkvNames("vision_model.encoder.layers.5.attn.proj.bias", HfPrefix::Model)[0].empty());
}

void TestInternVLHfLayout::namesAgreeWithTheGpuScriptsTable()
{
    // scripts/gpu/transformers_layout.py holds the same renames, written separately for the GPU
    // machine's transformers fixtures: both must name every tensor alike (names only, no torch).
    if (!std::filesystem::exists("/usr/bin/python3"))
        QSKIP("no /usr/bin/python3 to run scripts/gpu/transformers_layout.py");
    const auto dir = test::scratchDir("internvl-hf-names");
    std::ofstream pairs(dir / "pairs.tsv");
    for (const char *shape : {"tiny-6b", "tiny-qwen2"})
        for (const ExpectedTensor &t : expectedTensors(nonFlash(shape))) {
            const auto qkv = internVLHfQkvNames(t.name, HfPrefix::Model);
            if (qkv[0].empty()) {
                pairs << t.name << "\t-\t" << internVLHfName(t.name, HfPrefix::Model) << "\n";
                continue;
            }
            for (std::size_t i = 0; i < 3; ++i)
                pairs << t.name << "\t"
                      << "qkv"[i] << "\t" << qkv[i] << "\n";
        }
    pairs.close();
    const std::string script = R"py(
import re, sys
sys.path.insert(0, sys.argv[1])
from transformers_layout import chat_to_hf, hf_qkv_name, normalise_hf_name
bad = 0
for line in open(sys.argv[2]):
    chat, which, ours = line.rstrip("\n").split("\t")
    if which == "-":
        theirs = chat_to_hf(chat)
    else:
        layer, kind = re.fullmatch(r"vision_model\.encoder\.layers\.(\d+)\.attn\.qkv\.(weight|bias)", chat).groups()
        theirs = hf_qkv_name(layer, which, kind)
    if normalise_hf_name(ours) != theirs:
        bad += 1
        print(chat, which, ours, theirs)
print("checked, mismatches:", bad)
sys.exit(1 if bad else 0)
)py";
    QProcess python;
    python.start("/usr/bin/python3", {"-c", QString::fromStdString(script),
                                      test::qPath(std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "scripts/gpu"),
                                      test::qPath(dir / "pairs.tsv")});
    QVERIFY(python.waitForFinished(60000));
    const QString output = QString::fromUtf8(python.readAllStandardOutput() + python.readAllStandardError());
    QVERIFY2(python.exitCode() == 0 && output.contains("mismatches: 0"), qPrintable(output));
}

void TestInternVLHfLayout::loadsTheSameModel_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<bool>("modelPrefix");
    QTest::newRow("Qwen3, transformers >= 4.52 names") << "tiny" << true;
    QTest::newRow("Qwen2 untied, 4.x names") << "tiny-qwen2" << false;
    QTest::newRow("InternViT-6B style (RMSNorm, q/k norm)") << "tiny-6b" << true;
}

void TestInternVLHfLayout::loadsTheSameModel()
{
    QFETCH(QString, shape);
    QFETCH(bool, modelPrefix);
    const auto root = test::scratchDir("internvl-hf-" + shape.toStdString());
    writeRandomCheckpoint(root / "chat", nonFlash(shape.toStdString()), {});
    convertToTransformersLayout(root / "chat", root / "hf", modelPrefix ? HfPrefix::Model : HfPrefix::Bare);

    const InternVLModel chat = InternVLModel::load(root / "chat", cpu);
    const InternVLModel hf = InternVLModel::load(root / "hf", cpu);
    QCOMPARE(hf.parameters().size(), chat.parameters().size());
    for (const auto &[name, tensor] : chat.parameters())
        QVERIFY2(torch::equal(hf.parameters().at(name), tensor), name.c_str());
    QCOMPARE(hf.config().llm.tieWordEmbeddings, chat.config().llm.tieWordEmbeddings);
    QCOMPARE(hf.config().vision.qkNormalization, chat.config().vision.qkNormalization);

    const auto answer = [&](const std::filesystem::path &dir) {
        auto engine = Engine::load(dir, test::oneThread);
        RunRequest request;
        request.imagePath = std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "resources/images/chelsea.png";
        request.question = "What is in the image?";
        request.maxNewTokens = 6;
        request.mode = RouteMode::AllFull;   // no router without Flash parts
        request.tokenMethod = "visionzip";
        request.budget = 0.5;
        return engine->run(request);
    };
    const RunResult fromChat = answer(root / "chat"), fromHf = answer(root / "hf");
    QCOMPARE(fromHf.answerIds, fromChat.answerIds);
    QCOMPARE(fromHf.plan.tokensSent, fromChat.plan.tokensSent);
}

void TestInternVLHfLayout::refusesWhatItCannotCompute_data()
{
    QTest::addColumn<QString>("patch");
    QTest::addColumn<QString>("expected");
    QTest::newRow("feature layer") << R"({"vision_feature_layer": -2})"
                                   << "vision_feature_layer: only -1";
    QTest::newRow("full strategy") << R"({"vision_feature_select_strategy": "full"})"
                                   << "'full' is not supported";
    QTest::newRow("final layernorm") << R"({"vision_config": {"use_mean_pooling": false}})"
                                     << "vision_config.use_mean_pooling: false adds a final LayerNorm";
    QTest::newRow("oblong tiles") << R"({"vision_config": {"image_size": [448, 224]}})"
                                  << "vision_config.image_size: must be one size or two equal sizes";
    QTest::newRow("projector") << R"({"projector_hidden_act": "relu"})"
                               << "projector_hidden_act: 'relu' is not supported";
}

void TestInternVLHfLayout::refusesWhatItCannotCompute()
{
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    nlohmann::json config = nlohmann::json::parse(internVLHfConfigToJson(nonFlash("tiny")));
    config.merge_patch(nlohmann::json::parse(patch.toStdString()));
    test::expectError([&] { parseInternVLHfConfigText(config.dump(), "/models/InternVL3-1B-hf/config.json"); },
                      {"config.json", expected});
}

void TestInternVLHfLayout::missingProjectionNamesTheTensor()
{
    const auto root = test::scratchDir("internvl-hf-missing");
    writeRandomCheckpoint(root / "chat", nonFlash("tiny"), {});
    convertToTransformersLayout(root / "chat", root / "hf", HfPrefix::Model);
    // Drop one of the split projections.
    test::rewriteSafetensors(
        root / "hf" / "model.safetensors", root / "hf" / "model.safetensors", [](const std::string &name) {
            return name == "model.vision_tower.encoder.layer.1.attention.v_proj.weight" ? std::string() : name;
        });
    test::expectError([&] { InternVLModel::load(root / "hf", cpu); },
                      {"missing tensor 'model.vision_tower.encoder.layer.1.attention.v_proj.weight'", "[64, 64]"});
}

QTEST_APPLESS_MAIN(TestInternVLHfLayout)
#include "tst_internvl_hf_layout.moc"
