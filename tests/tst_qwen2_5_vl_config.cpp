// SPDX-License-Identifier: MIT
// Qwen2.5-VL's config.json and preprocessor_config.json: the hub layout (text fields at the top
// level) and the re-saved one (text_config), the tensor names of both checkpoint layouts, and bad
// values refused with the file and the field named.

#include "io/qwen2_5_vl_config.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <set>

using namespace tokenscope;
using nlohmann::json;

namespace {

// Qwen2.5-VL-7B-Instruct's config.json as published (docs/qwen2_5_vl.md §1).
json hub7B()
{
    return json::parse(R"({
      "architectures": ["Qwen2_5_VLForConditionalGeneration"], "model_type": "qwen2_5_vl",
      "bos_token_id": 151643, "eos_token_id": 151645, "vision_start_token_id": 151652,
      "vision_end_token_id": 151653, "vision_token_id": 151654, "image_token_id": 151655, "video_token_id": 151656,
      "hidden_act": "silu", "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
      "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": 152064, "rms_norm_eps": 1e-06,
      "rope_theta": 1000000.0, "max_position_embeddings": 128000, "max_window_layers": 28,
      "tie_word_embeddings": false, "use_sliding_window": false, "sliding_window": 32768,
      "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]},
      "vision_config": {"depth": 32, "hidden_act": "silu", "hidden_size": 1280, "intermediate_size": 3420,
        "num_heads": 16, "in_chans": 3, "out_hidden_size": 3584, "patch_size": 14, "spatial_merge_size": 2,
        "spatial_patch_size": 14, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31],
        "tokens_per_second": 2, "temporal_patch_size": 2}
    })");
}

// The same model as newer transformers re-save it: text fields under text_config, rope "default".
json nested7B()
{
    json root = hub7B();
    json text = json::object();
    for (const char *key : {"hidden_act", "hidden_size", "intermediate_size", "num_hidden_layers",
                            "num_attention_heads", "num_key_value_heads", "vocab_size", "rms_norm_eps", "rope_theta",
                            "max_position_embeddings", "tie_word_embeddings", "rope_scaling"}) {
        text[key] = root[key];
        root.erase(key);
    }
    text["model_type"] = "qwen2_5_vl_text";
    text["rope_scaling"] = {{"mrope_section", {16, 24, 24}}, {"rope_type", "default"}, {"type", "default"}};
    root["text_config"] = text;
    root["vision_config"]["in_channels"] = 3;
    return root;
}

}   // namespace

class TestQwen25VLConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsTheHubLayout();
    void readsTheNestedLayout();
    void recognisesTheFamily();
    void tensorNamesOfBothLayouts();
    void readsThePreprocessor();
    void refusesBadValues_data();
    void refusesBadValues();
};

void TestQwen25VLConfig::readsTheHubLayout()
{
    const Qwen25VLConfig c = parseQwen25VLConfigText(hub7B().dump(), "config.json");
    QCOMPARE(c.vision.depth, 32);
    QCOMPARE(c.vision.headDim(), 80);
    QCOMPARE(c.vision.windowMergedSide(), 4);
    QCOMPARE(c.vision.patchWidth(), 1176);
    QCOMPARE(c.vision.mergedWidth(), 5120);
    QVERIFY(c.vision.isFullAttention(7) && c.vision.isFullAttention(31) && !c.vision.isFullAttention(0));
    QCOMPARE(c.llm.arch, LlmArch::Qwen2);
    QCOMPARE(c.llm.hiddenSize, 3584);
    QCOMPARE(c.llm.headDim, 128);
    QCOMPARE(c.llm.numKvHeads, 4);
    QVERIFY(c.llm.attentionBias);
    QCOMPARE(c.llm.eosTokenIds, std::vector<int>{151645});
    QCOMPARE(c.llm.mropeSection, (std::array<int, 3>{16, 24, 24}));
    QCOMPARE(c.imageTokenId, 151655);
    QCOMPARE(c.visionStartTokenId, 151652);
}

void TestQwen25VLConfig::readsTheNestedLayout()
{
    const Qwen25VLConfig hub = parseQwen25VLConfigText(hub7B().dump(), "config.json");
    const Qwen25VLConfig nested = parseQwen25VLConfigText(nested7B().dump(), "config.json");
    QCOMPARE(nested.llm.hiddenSize, hub.llm.hiddenSize);
    QCOMPARE(nested.llm.numLayers, hub.llm.numLayers);
    QCOMPARE(nested.llm.ropeTheta, hub.llm.ropeTheta);
    QCOMPARE(nested.llm.mropeSection, hub.llm.mropeSection);
    QCOMPARE(nested.vision.outHiddenSize, hub.vision.outHiddenSize);
}

void TestQwen25VLConfig::recognisesTheFamily()
{
    QVERIFY(isQwen25VLConfigText(hub7B().dump()));
    QVERIFY(isQwen25VLConfigText(R"({"model_type": "qwen2_5_vl"})"));
    QVERIFY(!isQwen25VLConfigText(R"({"model_type": "internvl_chat", "architectures": ["InternVLChatModel"]})"));
    QVERIFY(!isQwen25VLConfigText("not json"));
}

void TestQwen25VLConfig::tensorNamesOfBothLayouts()
{
    const Qwen25VLConfig c = parseQwen25VLConfigText(hub7B().dump(), "config.json");
    // The published 7B checkpoint has 729 tensors: 32 vision blocks of 12, patch embedding and
    // merger (6), 28 LLM layers of 12, embeddings, final norm and lm_head.
    const auto hub = expectedQwen25VLTensors(c, QwenTensorLayout::Hub);
    QCOMPARE(hub.size(), std::size_t(729));
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto &t : hub)
        shapes[t.name] = t.shape;
    QCOMPARE(shapes.at("visual.patch_embed.proj.weight"), (std::vector<std::int64_t>{1280, 3, 2, 14, 14}));
    QCOMPARE(shapes.at("visual.blocks.0.attn.qkv.weight"), (std::vector<std::int64_t>{3840, 1280}));
    QCOMPARE(shapes.at("visual.blocks.31.mlp.down_proj.bias"), (std::vector<std::int64_t>{1280}));
    QCOMPARE(shapes.at("visual.merger.mlp.0.weight"), (std::vector<std::int64_t>{5120, 5120}));
    QCOMPARE(shapes.at("visual.merger.mlp.2.weight"), (std::vector<std::int64_t>{3584, 5120}));
    QCOMPARE(shapes.at("model.layers.27.self_attn.k_proj.bias"), (std::vector<std::int64_t>{512}));
    QVERIFY(!shapes.count("model.layers.0.self_attn.o_proj.bias"));
    QCOMPARE(shapes.at("lm_head.weight"), (std::vector<std::int64_t>{152064, 3584}));
    QVERIFY(!shapes.count("visual.merger.ln_q.bias"));

    const auto nested = expectedQwen25VLTensors(c, QwenTensorLayout::Nested);
    QCOMPARE(nested.size(), hub.size());
    std::set<std::string> names;
    for (const auto &t : nested)
        names.insert(t.name);
    QVERIFY(names.count("model.visual.blocks.0.norm1.weight"));
    QVERIFY(names.count("model.language_model.layers.0.mlp.up_proj.weight"));
    QVERIFY(names.count("model.language_model.embed_tokens.weight"));
    QVERIFY(names.count("lm_head.weight"));
}

void TestQwen25VLConfig::readsThePreprocessor()
{
    const QwenPreprocessorConfig p = parseQwenPreprocessorText(
        R"({"min_pixels": 3136, "max_pixels": 12845056, "patch_size": 14, "temporal_patch_size": 2, "merge_size": 2,
            "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
            "image_processor_type": "Qwen2VLImageProcessor", "processor_class": "Qwen2_5_VLProcessor"})",
        "preprocessor_config.json");
    QCOMPARE(p.minPixels, 3136LL);
    QCOMPARE(p.maxPixels, 12845056LL);
    QCOMPARE(p.factor(), 28);
    QCOMPARE(p.imageStd[2], 0.27577711);
    // Newer processors write the limits as size {shortest_edge, longest_edge}.
    const QwenPreprocessorConfig sized = parseQwenPreprocessorText(
        R"({"size": {"shortest_edge": 3136, "longest_edge": 1003520}})", "preprocessor_config.json");
    QCOMPARE(sized.maxPixels, 1003520LL);
}

void TestQwen25VLConfig::refusesBadValues_data()
{
    QTest::addColumn<QString>("patch");   // a JSON merge patch applied to the hub config
    QTest::addColumn<QString>("expected");
    QTest::newRow("yarn rope") << R"({"rope_scaling": {"type": "yarn", "mrope_section": [16, 24, 24]}})"
                               << "config.json: rope_scaling.type: 'yarn' is not supported";
    QTest::newRow("section sum") << R"({"rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 16]}})"
                                 << "rope_scaling.mrope_section: must sum to half the head width (64)";
    QTest::newRow("no rope") << R"({"rope_scaling": null})"
                             << "rope_scaling: is missing";
    QTest::newRow("full block out of range") << R"({"vision_config": {"fullatt_block_indexes": [7, 32]}})"
                                             << "vision_config.fullatt_block_indexes: 32 is not a block";
    QTest::newRow("window") << R"({"vision_config": {"window_size": 100}})"
                            << "vision_config.window_size: 100 px is not a whole number";
    QTest::newRow("merger width") << R"({"vision_config": {"out_hidden_size": 2048}})"
                                  << "out_hidden_size: 2048 differs from the LLM's hidden_size 3584";
    QTest::newRow("architecture") << R"({"architectures": ["Qwen2VLForConditionalGeneration"]})"
                                  << "architectures: must be [\"Qwen2_5_VLForConditionalGeneration\"]";
    QTest::newRow("grey") << R"({"vision_config": {"in_chans": 1}})"
                          << "vision_config.in_chans: must be 3";
    QTest::newRow("missing depth") << R"({"vision_config": {"depth": null}})"
                                   << "vision_config.depth: is missing";
}

void TestQwen25VLConfig::refusesBadValues()
{
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    json config = hub7B();
    config.merge_patch(json::parse(patch.toStdString()));
    test::expectError([&] { parseQwen25VLConfigText(config.dump(), "/models/qwen/config.json"); }, {expected});
}

QTEST_APPLESS_MAIN(TestQwen25VLConfig)
#include "tst_qwen2_5_vl_config.moc"
