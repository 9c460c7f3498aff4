// SPDX-License-Identifier: MIT
#include "io/qwen2_5_vl_config.h"

#include "common/error.h"
#include "io/config_fields.h"

#include <algorithm>
#include <numeric>

namespace tokenscope {

using nlohmann::json;

namespace {

std::vector<int> integerList(const FieldReader &r, const std::string &field)
{
    const json &v = r.require(field);
    if (!v.is_array())
        r.fail(field, "must be a list of integers, got " + v.dump());
    std::vector<int> out;
    for (const json &item : v) {
        if (!item.is_number_integer())
            r.fail(field, "must be a list of integers, got " + v.dump());
        out.push_back(item.get<int>());
    }
    return out;
}

// Qwen2_5_VLVisionConfig (configuration_qwen2_5_vl.py); defaults are the class's, but the
// checkpoints' values differ from some of them (hidden_size), so the fields that shape tensors
// are required.
QwenVisionConfig parseVision(const FieldReader &r)
{
    QwenVisionConfig v;
    v.depth = r.positiveInt("depth");
    v.hiddenSize = r.positiveInt("hidden_size");
    v.intermediateSize = r.positiveInt("intermediate_size");
    v.numHeads = r.positiveInt("num_heads");
    v.outHiddenSize = r.positiveInt("out_hidden_size");
    v.patchSize = r.has("patch_size") ? r.positiveInt("patch_size") : 14;
    v.spatialMergeSize = r.has("spatial_merge_size") ? r.positiveInt("spatial_merge_size") : 2;
    v.temporalPatchSize = r.has("temporal_patch_size") ? r.positiveInt("temporal_patch_size") : 2;
    v.windowSize = r.has("window_size") ? r.positiveInt("window_size") : 112;
    v.fullAttentionBlocks =
        r.has("fullatt_block_indexes") ? integerList(r, "fullatt_block_indexes") : std::vector<int>{};
    // The class reads in_channels; hub files say in_chans (re-saved ones carry both).
    for (const char *field : {"in_channels", "in_chans"})
        if (r.has(field) && r.integer(field) != 3)
            r.fail(field, "must be 3 (RGB), got " + std::to_string(r.integer(field)));
    if (const std::string act = r.string("hidden_act", "silu"); act != "silu")
        r.fail("hidden_act", "'" + act + "' is not supported (silu)");
    if (r.has("spatial_patch_size") && r.integer("spatial_patch_size") != v.patchSize)
        r.fail("spatial_patch_size", "differs from patch_size " + std::to_string(v.patchSize));
    if (v.hiddenSize % v.numHeads != 0)
        r.fail("num_heads",
               std::to_string(v.numHeads) + " does not divide hidden_size " + std::to_string(v.hiddenSize));
    // The 2-D rotary embedding gives half of each head's rotary pairs to rows, half to columns.
    if (v.headDim() % 4 != 0)
        r.fail("num_heads", "the head width " + std::to_string(v.headDim()) + " must be a multiple of 4 (2-D rotary)");
    if (v.windowSize % (v.patchSize * v.spatialMergeSize) != 0)
        r.fail("window_size", std::to_string(v.windowSize) + " px is not a whole number of " +
                                  std::to_string(v.patchSize * v.spatialMergeSize) + "-px merged tokens");
    for (int block : v.fullAttentionBlocks)
        if (block < 0 || block >= v.depth)
            r.fail("fullatt_block_indexes",
                   std::to_string(block) + " is not a block (depth " + std::to_string(v.depth) + ")");
    return v;
}

// rope_scaling (hub: {"type": "mrope", "mrope_section": [...]}, re-saved: rope_type "default")
// or rope_parameters (transformers 5) carries mrope_section; any other rope type is refused.
std::array<int, 3> parseMropeSection(const FieldReader &text, int headDim)
{
    const char *field = text.has("rope_parameters") ? "rope_parameters" : "rope_scaling";
    if (!text.has(field))
        text.fail("rope_scaling", "is missing: Qwen2.5-VL needs mrope_section");
    const FieldReader rope = text.child(field);
    for (const char *typeField : {"type", "rope_type"}) {
        const std::string type = rope.string(typeField, "default");
        if (type != "mrope" && type != "default")
            rope.fail(typeField, "'" + type + "' is not supported (mrope, default)");
    }
    const std::vector<int> section = integerList(rope, "mrope_section");
    if (section.size() != 3 || std::any_of(section.begin(), section.end(), [](int s) { return s <= 0; }))
        rope.fail("mrope_section", "must be three positive integers (t, h, w)");
    if (std::accumulate(section.begin(), section.end(), 0) * 2 != headDim)
        rope.fail("mrope_section", "must sum to half the head width (" + std::to_string(headDim / 2) + ")");
    return {section[0], section[1], section[2]};
}

int tokenId(const FieldReader &r, const std::string &field, int fallback)
{
    const int id = r.integerOr(field, fallback);
    if (id < 0)
        r.fail(field, "must not be negative");
    return id;
}

}   // namespace

bool QwenVisionConfig::isFullAttention(int block) const
{
    return std::find(fullAttentionBlocks.begin(), fullAttentionBlocks.end(), block) != fullAttentionBlocks.end();
}

bool isQwen25VLConfigText(const std::string &configJson)
{
    const json root = json::parse(configJson, nullptr, false);
    if (!root.is_object())
        return false;
    if (root.contains("model_type") && root["model_type"] == "qwen2_5_vl")
        return true;
    const auto architectures = root.find("architectures");
    return architectures != root.end() && architectures->is_array() && !architectures->empty() &&
           (*architectures)[0] == "Qwen2_5_VLForConditionalGeneration";
}

Qwen25VLConfig parseQwen25VLConfigText(const std::string &configJson, const std::filesystem::path &source)
{
    const json root = parseJsonText(configJson, source);
    const FieldReader r(root, "", source);
    Qwen25VLConfig c;
    c.source = source;
    if (const std::string type = r.string("model_type", "qwen2_5_vl"); type != "qwen2_5_vl")
        r.fail("model_type", "'" + type + "' is not supported here (qwen2_5_vl)");
    if (r.has("architectures")) {
        const json &a = r.require("architectures");
        if (!a.is_array() || a.size() != 1 || a[0] != "Qwen2_5_VLForConditionalGeneration")
            r.fail("architectures", "must be [\"Qwen2_5_VLForConditionalGeneration\"], got " + a.dump());
    }
    c.vision = parseVision(r.child("vision_config"));
    // Hub files keep the text fields at the top level; files re-saved by newer transformers nest
    // them under text_config (Qwen2_5_VLConfig.__init__ builds text_config from the top level "for BC").
    const FieldReader text = r.has("text_config") ? r.child("text_config") : r;
    c.llm = parseLlmFields(text, LlmArch::Qwen2);
    if (!text.has("rope_theta") && text.has("rope_parameters") && text.child("rope_parameters").has("rope_theta"))
        c.llm.ropeTheta = text.child("rope_parameters").number("rope_theta");
    if (c.llm.eosTokenIds.empty() && r.has("eos_token_id"))
        c.llm.eosTokenIds.push_back(tokenId(r, "eos_token_id", 151645));
    c.llm.mropeSection = parseMropeSection(text, c.llm.headDim);
    c.imageTokenId = tokenId(r, "image_token_id", c.imageTokenId);
    c.visionStartTokenId = tokenId(r, "vision_start_token_id", c.visionStartTokenId);
    c.visionEndTokenId = tokenId(r, "vision_end_token_id", c.visionEndTokenId);
    if (c.vision.outHiddenSize != c.llm.hiddenSize)
        r.fail("vision_config.out_hidden_size", std::to_string(c.vision.outHiddenSize) +
                                                    " differs from the LLM's hidden_size " +
                                                    std::to_string(c.llm.hiddenSize));
    return c;
}

QwenPreprocessorConfig parseQwenPreprocessorText(const std::string &text, const std::filesystem::path &source)
{
    const json root = parseJsonText(text, source);
    const FieldReader r(root, "", source);
    QwenPreprocessorConfig p;
    p.source = source;
    auto pixels = [&](const FieldReader &from, const std::string &field, long long fallback) -> long long {
        if (!from.has(field))
            return fallback;
        const json &v = from.require(field);
        if (!v.is_number_integer() || v.get<long long>() <= 0)
            from.fail(field, "must be a positive integer, got " + v.dump());
        return v.get<long long>();
    };
    p.minPixels = pixels(r, "min_pixels", p.minPixels);
    p.maxPixels = pixels(r, "max_pixels", p.maxPixels);
    // Newer processors also write size {shortest_edge: min_pixels, longest_edge: max_pixels}.
    if (r.has("size") && !r.has("min_pixels")) {
        const FieldReader size = r.child("size");
        p.minPixels = pixels(size, "shortest_edge", p.minPixels);
        p.maxPixels = pixels(size, "longest_edge", p.maxPixels);
    }
    if (p.maxPixels < p.minPixels)
        r.fail("max_pixels", "is below min_pixels");
    p.patchSize = r.has("patch_size") ? r.positiveInt("patch_size") : p.patchSize;
    p.temporalPatchSize = r.has("temporal_patch_size") ? r.positiveInt("temporal_patch_size") : p.temporalPatchSize;
    p.mergeSize = r.has("merge_size") ? r.positiveInt("merge_size") : p.mergeSize;
    for (auto [field, target] : {std::pair{"image_mean", &p.imageMean}, std::pair{"image_std", &p.imageStd}}) {
        if (!r.has(field))
            continue;
        const json &v = r.require(field);
        if (!v.is_array() || v.size() != 3 ||
            !std::all_of(v.begin(), v.end(), [](const json &x) { return x.is_number(); }))
            r.fail(field, "must be three numbers (R, G, B), got " + v.dump());
        for (std::size_t i = 0; i < 3; ++i)
            (*target)[i] = v[i].get<double>();
    }
    for (double s : p.imageStd)
        if (s <= 0)
            r.fail("image_std", "must be positive");
    if (r.has("do_resize") && !r.boolean("do_resize", true))
        r.fail("do_resize", "false is not supported (the patch grid needs the resize rule)");
    return p;
}

Qwen25VLConfig parseQwen25VLFolder(const std::filesystem::path &folder)
{
    const auto configPath = folder / "config.json";
    Qwen25VLConfig c = parseQwen25VLConfigText(readTextFile(configPath), configPath);
    const auto preprocessorPath = folder / "preprocessor_config.json";
    if (std::filesystem::exists(preprocessorPath))
        c.preprocessor = parseQwenPreprocessorText(readTextFile(preprocessorPath), preprocessorPath);
    const QwenPreprocessorConfig &p = c.preprocessor;
    auto mismatch = [&](const std::string &field, int value, const std::string &configField, int configValue) {
        throw Error(preprocessorPath.filename(), field + ": " + std::to_string(value) + " differs from config.json's " +
                                                     configField + " " + std::to_string(configValue));
    };
    if (p.patchSize != c.vision.patchSize)
        mismatch("patch_size", p.patchSize, "vision_config.patch_size", c.vision.patchSize);
    if (p.mergeSize != c.vision.spatialMergeSize)
        mismatch("merge_size", p.mergeSize, "vision_config.spatial_merge_size", c.vision.spatialMergeSize);
    if (p.temporalPatchSize != c.vision.temporalPatchSize)
        mismatch("temporal_patch_size", p.temporalPatchSize, "vision_config.temporal_patch_size",
                 c.vision.temporalPatchSize);
    return c;
}

std::string qwen25VLConfigToJson(const Qwen25VLConfig &c)
{
    const QwenVisionConfig &v = c.vision;
    const LlmConfig &l = c.llm;
    json root = {
        {"architectures", {"Qwen2_5_VLForConditionalGeneration"}},
        {"model_type", "qwen2_5_vl"},
        {"image_token_id", c.imageTokenId},
        {"vision_start_token_id", c.visionStartTokenId},
        {"vision_end_token_id", c.visionEndTokenId},
        {"hidden_act", "silu"},
        {"hidden_size", l.hiddenSize},
        {"intermediate_size", l.intermediateSize},
        {"num_hidden_layers", l.numLayers},
        {"num_attention_heads", l.numHeads},
        {"num_key_value_heads", l.numKvHeads},
        {"vocab_size", l.vocabSize},
        {"rms_norm_eps", l.rmsNormEps},
        {"rope_theta", l.ropeTheta},
        {"max_position_embeddings", l.maxPositionEmbeddings},
        {"tie_word_embeddings", l.tieWordEmbeddings},
        {"rope_scaling", {{"type", "mrope"}, {"mrope_section", l.mropeSection}}},
        {"torch_dtype", "float32"},
        {"vision_config",
         {{"depth", v.depth},
          {"hidden_size", v.hiddenSize},
          {"intermediate_size", v.intermediateSize},
          {"num_heads", v.numHeads},
          {"in_chans", 3},
          {"out_hidden_size", v.outHiddenSize},
          {"patch_size", v.patchSize},
          {"spatial_patch_size", v.patchSize},
          {"spatial_merge_size", v.spatialMergeSize},
          {"temporal_patch_size", v.temporalPatchSize},
          {"window_size", v.windowSize},
          {"fullatt_block_indexes", v.fullAttentionBlocks},
          {"hidden_act", "silu"},
          {"tokens_per_second", 2}}},
    };
    if (!l.eosTokenIds.empty())
        root["eos_token_id"] = l.eosTokenIds.size() == 1 ? json(l.eosTokenIds.front()) : json(l.eosTokenIds);
    return root.dump(2) + "\n";
}

std::string qwenPreprocessorToJson(const QwenPreprocessorConfig &p)
{
    const json root = {{"image_processor_type", "Qwen2VLImageProcessor"},
                       {"processor_class", "Qwen2_5_VLProcessor"},
                       {"min_pixels", p.minPixels},
                       {"max_pixels", p.maxPixels},
                       {"patch_size", p.patchSize},
                       {"temporal_patch_size", p.temporalPatchSize},
                       {"merge_size", p.mergeSize},
                       {"image_mean", p.imageMean},
                       {"image_std", p.imageStd},
                       {"do_resize", true},
                       {"do_rescale", true},
                       {"do_normalize", true},
                       {"do_convert_rgb", true},
                       {"resample", 3}};
    return root.dump(2) + "\n";
}

std::string qwenVisionPrefix(QwenTensorLayout layout)
{
    return layout == QwenTensorLayout::Hub ? "visual." : "model.visual.";
}

std::string qwenLanguagePrefix(QwenTensorLayout layout)
{
    return layout == QwenTensorLayout::Hub ? "model." : "model.language_model.";
}

std::vector<ExpectedTensor> expectedQwenVisionTensors(const QwenVisionConfig &v, QwenTensorLayout layout)
{
    const std::string p = qwenVisionPrefix(layout);
    const std::int64_t C = v.hiddenSize, I = v.intermediateSize, M = v.mergedWidth();
    std::vector<ExpectedTensor> out;
    // Conv3d(3, C, kernel [tps, p, p], bias=False) (Qwen2_5_VisionPatchEmbed).
    out.push_back({p + "patch_embed.proj.weight", {C, 3, v.temporalPatchSize, v.patchSize, v.patchSize}});
    for (int i = 0; i < v.depth; ++i) {
        const std::string b = p + "blocks." + std::to_string(i) + ".";
        out.push_back({b + "norm1.weight", {C}});
        out.push_back({b + "norm2.weight", {C}});
        addLinearTensors(out, b + "attn.qkv", C, 3 * C, true);
        addLinearTensors(out, b + "attn.proj", C, C, true);
        addLinearTensors(out, b + "mlp.gate_proj", C, I, true);
        addLinearTensors(out, b + "mlp.up_proj", C, I, true);
        addLinearTensors(out, b + "mlp.down_proj", I, C, true);
    }
    out.push_back({p + "merger.ln_q.weight", {C}});
    addLinearTensors(out, p + "merger.mlp.0", M, M, true);
    addLinearTensors(out, p + "merger.mlp.2", M, v.outHiddenSize, true);
    return out;
}

std::vector<ExpectedTensor> expectedQwen25VLTensors(const Qwen25VLConfig &config, QwenTensorLayout layout)
{
    std::vector<ExpectedTensor> out = expectedQwenVisionTensors(config.vision, layout);
    addLanguageModelTensors(out, config.llm, qwenLanguagePrefix(layout), "lm_head.weight");
    return out;
}

}   // namespace tokenscope
