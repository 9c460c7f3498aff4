// SPDX-License-Identifier: MIT
// config.json parsing: supported shapes, the tensors they imply, and one clear error per bad field.

#include "fixtures/random_checkpoint.h"
#include "io/model_config.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <algorithm>

using namespace tokenscope;

class TestModelConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripsFixtureShapes();
    void derivedTokenCounts();
    void flashModeSetsTheDefaultOnly();
    void expectedTensorsForRealShapes();
    void badField_data();
    void badField();
    void invalidJsonAndMissingFile();
};

// Sets (or, for an undefined value, removes) a field at a dotted path of a JSON object.
static QJsonObject withField(QJsonObject root, const QString &path, const QJsonValue &value)
{
    const QStringList parts = path.split('.');
    if (parts.size() == 1) {
        if (value.isUndefined())
            root.remove(path);
        else
            root[path] = value;
        return root;
    }
    root[parts[0]] = withField(root[parts[0]].toObject(), parts.mid(1).join('.'), value);
    return root;
}

static QJsonObject tinyConfig()
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(modelConfigToJson(fixtureShape("tiny"))), nullptr).object();
}

void TestModelConfig::roundTripsFixtureShapes()
{
    for (const std::string &name : fixtureShapeNames()) {
        const ModelConfig original = fixtureShape(name);
        const ModelConfig parsed = parseModelConfigText(modelConfigToJson(original), "config.json");
        QCOMPARE(parsed.vision.hiddenSize, original.vision.hiddenSize);
        QCOMPARE(parsed.vision.normType, original.vision.normType);
        QCOMPARE(parsed.vision.qkNormalization, original.vision.qkNormalization);
        QCOMPARE(parsed.llm.arch, original.llm.arch);
        QCOMPARE(parsed.llm.headDim, original.llm.headDim);
        QCOMPARE(parsed.llm.tieWordEmbeddings, original.llm.tieWordEmbeddings);
        QCOMPARE(parsed.flash, original.flash);
        QCOMPARE(parsed.flashRelativeThreshold, original.flashRelativeThreshold);
        QCOMPARE(expectedTensors(parsed).size(), expectedTensors(original).size());
    }
}

void TestModelConfig::derivedTokenCounts()
{
    const ModelConfig real = fixtureShape("internvl3_5-1b-flash");
    QCOMPARE(real.tokensPerTileFull(), 256);
    QCOMPARE(real.tokensPerTileCompressed(), 64);
    QCOMPARE(real.connectorWidthFull(), 4096);
    QCOMPARE(real.connectorWidthCompressed(), 16384);
    const ModelConfig demo = fixtureShape("demo");
    QCOMPARE(demo.tokensPerTileFull(), 16);
    QCOMPARE(demo.tokensPerTileCompressed(), 4);
}

// The reference routes only when flash_mode is truthy; mlp2 and the router exist either way.
void TestModelConfig::flashModeSetsTheDefaultOnly()
{
    const auto parse = [](const QJsonValue &flashMode) {
        const QByteArray text = QJsonDocument(withField(tinyConfig(), QStringLiteral("flash_mode"), flashMode)).toJson();
        return parseModelConfigText(text.toStdString(), "config.json");
    };
    const ModelConfig on = parse(true), off = parse(false), absent = parse(QJsonValue::Null);
    QVERIFY(on.flash && on.flashMode);
    QVERIFY(off.flash && !off.flashMode);
    QVERIFY(absent.flash && !absent.flashMode);   // the thresholds alone still mean mlp2 + router
    QCOMPARE(parseModelConfigText(modelConfigToJson(off), "config.json").flashMode, false);
    QVERIFY_THROWS_EXCEPTION(Error, parse(QStringLiteral("yes")));
}

void TestModelConfig::expectedTensorsForRealShapes()
{
    const auto tensors = expectedTensors(fixtureShape("internvl3_5-8b-flash"));
    auto shapeOf = [&](const std::string &name) {
        auto it = std::find_if(tensors.begin(), tensors.end(), [&](const ExpectedTensor &t) { return t.name == name; });
        return it == tensors.end() ? std::vector<std::int64_t>{} : it->shape;
    };
    using Shape = std::vector<std::int64_t>;
    QCOMPARE(shapeOf("mlp1.1.weight"), (Shape{4096, 4096}));
    QCOMPARE(shapeOf("mlp2.1.weight"), (Shape{8192, 16384}));
    QCOMPARE(shapeOf("mlp2.7.weight"), (Shape{4096, 8192}));
    QCOMPARE(shapeOf("pooling_before_gating.attn1.in_proj_weight"), (Shape{3072, 1024}));
    QCOMPARE(shapeOf("gating.block4.0.weight"), (Shape{4096, 1024}));
    QCOMPARE(shapeOf("gating.gate.1.weight"), (Shape{2, 1024}));
    QCOMPARE(shapeOf("vision_model.embeddings.position_embedding"), (Shape{1, 1025, 1024}));
    QCOMPARE(shapeOf("language_model.model.layers.35.self_attn.k_proj.weight"), (Shape{1024, 4096}));
    QCOMPARE(shapeOf("language_model.model.layers.0.self_attn.q_norm.weight"), (Shape{128}));
    QCOMPARE(shapeOf("language_model.lm_head.weight"), (Shape{151936, 4096}));
    // attn3/attn4 are carried by released checkpoints but never read: optional.
    auto attn3 = std::find_if(tensors.begin(), tensors.end(), [](const ExpectedTensor &t) {
        return t.name == "pooling_before_gating.attn3.in_proj_weight";
    });
    QVERIFY(attn3 != tensors.end());
    QVERIFY(!attn3->required);
}

void TestModelConfig::badField_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("model_type") << "model_type" << QJsonValue("llava") << "model_type: 'llava' is not supported";
    QTest::newRow("llm arch") << "llm_config.architectures" << QJsonValue(QJsonArray{"LlamaForCausalLM"})
                              << "llm_config.architectures: 'LlamaForCausalLM' is not supported";
    QTest::newRow("ps_version") << "ps_version" << QJsonValue("v1") << "ps_version: 'v1' is not supported";
    QTest::newRow("template") << "template" << QJsonValue("vicuna_v1.1") << "template: 'vicuna_v1.1' is not supported";
    QTest::newRow("downsample") << "downsample_ratio" << QJsonValue(0.3) << "downsample_ratio: must be 1/k";
    QTest::newRow("norm_type") << "vision_config.norm_type" << QJsonValue("batch_norm")
                               << "vision_config.norm_type: 'batch_norm' is not supported";
    QTest::newRow("flash_mode") << "flash_mode" << QJsonValue("yes") << "flash_mode: must be true or false, got \"yes\"";
    QTest::newRow("relative threshold") << "flash_relative_threshold" << QJsonValue(1.5)
                                        << "flash_relative_threshold: must be in [0, 1]";
    QTest::newRow("missing hidden") << "vision_config.hidden_size" << QJsonValue(QJsonValue::Undefined)
                                    << "vision_config.hidden_size: is missing";
    QTest::newRow("negative layers") << "llm_config.num_hidden_layers" << QJsonValue(-2)
                                     << "llm_config.num_hidden_layers: must be positive";
    QTest::newRow("string for int") << "vision_config.patch_size" << QJsonValue("14")
                                    << "vision_config.patch_size: must be an integer";
    QTest::newRow("rope scaling") << "llm_config.rope_scaling" << QJsonValue(QJsonObject{{"type", "yarn"}})
                                  << "llm_config.rope_scaling: is not supported";
    QTest::newRow("select_layer") << "select_layer" << QJsonValue(-2) << "select_layer: only -1";
    QTest::newRow("kv heads") << "llm_config.num_key_value_heads" << QJsonValue(3)
                              << "llm_config.num_key_value_heads: 3 does not divide";
    QTest::newRow("vision act") << "vision_config.hidden_act" << QJsonValue("relu")
                                << "vision_config.hidden_act: 'relu' is not supported";
    QTest::newRow("patch grid") << "vision_config.patch_size" << QJsonValue(16) << "vision_config.patch_size: 16 does not divide";
    QTest::newRow("force size") << "force_image_size" << QJsonValue(448) << "force_image_size: 448 differs";
    QTest::newRow("max tiles") << "max_dynamic_patch" << QJsonValue(0) << "max_dynamic_patch: must be in";
    QTest::newRow("eos") << "llm_config.eos_token_id" << QJsonValue("x") << "llm_config.eos_token_id: must be an integer";
}

void TestModelConfig::badField()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, fragment);
    const QByteArray text = QJsonDocument(withField(tinyConfig(), path, value)).toJson();
    test::expectError([&] { parseModelConfigText(text.toStdString(), "/models/x/config.json"); },
                      {"config.json", fragment});
}

void TestModelConfig::invalidJsonAndMissingFile()
{
    test::expectError([] { parseModelConfigText("{ \"vision_config\": ", "config.json"); },
                      {"config.json", "is not valid JSON"});
    test::expectError([] { parseModelConfigText("[1, 2]", "config.json"); }, {"config.json", "must be a JSON object"});
    test::expectError([] { parseModelConfig("/nonexistent/dir/config.json"); },
                      {"/nonexistent/dir/config.json", "cannot be opened"});
}

QTEST_APPLESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
