// SPDX-License-Identifier: MIT
#include "io/model_config.h"

#include "common/error.h"
#include "io/config_fields.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace tokenscope {

using nlohmann::json;

namespace {

VisionConfig parseVision(const FieldReader &r)
{
    VisionConfig v;
    v.hiddenSize = r.positiveInt("hidden_size");
    v.numLayers = r.positiveInt("num_hidden_layers");
    v.numHeads = r.positiveInt("num_attention_heads");
    v.intermediateSize = r.positiveInt("intermediate_size");
    v.imageSize = r.positiveInt("image_size");
    v.patchSize = r.positiveInt("patch_size");
    v.qkvBias = r.boolean("qkv_bias", true);
    v.qkNormalization = r.boolean("qk_normalization", false);
    v.layerNormEps = r.numberOr("layer_norm_eps", 1e-6);
    // InternVisionConfig's default norm_type is rms_norm; InternViT-300M configs say layer_norm.
    const std::string norm = r.string("norm_type", "rms_norm");
    if (norm == "layer_norm")
        v.normType = NormType::LayerNorm;
    else if (norm == "rms_norm")
        v.normType = NormType::RmsNorm;
    else
        r.fail("norm_type", "'" + norm + "' is not supported (layer_norm, rms_norm)");
    if (const std::string act = r.string("hidden_act", "gelu"); act != "gelu")
        r.fail("hidden_act", "'" + act + "' is not supported (gelu)");
    if (const int channels = r.integerOr("num_channels", 3); channels != 3)
        r.fail("num_channels", "must be 3 (RGB), got " + std::to_string(channels));
    if (v.hiddenSize % v.numHeads != 0)
        r.fail("num_attention_heads", std::to_string(v.numHeads) + " does not divide hidden_size " +
                                          std::to_string(v.hiddenSize));
    if (v.imageSize % v.patchSize != 0)
        r.fail("patch_size", std::to_string(v.patchSize) + " does not divide image_size " +
                                 std::to_string(v.imageSize));
    if (v.layerNormEps <= 0)
        r.fail("layer_norm_eps", "must be positive");
    return v;
}

LlmArch parseArch(const FieldReader &r)
{
    std::string arch;
    if (r.has("architectures")) {
        const json &a = r.require("architectures");
        if (!a.is_array() || a.size() != 1 || !a[0].is_string())
            r.fail("architectures", "must be a list of one string, got " + a.dump());
        arch = a[0].get<std::string>();
    } else {
        const std::string type = r.string("model_type", "");
        arch = type == "qwen2" ? "Qwen2ForCausalLM" : type == "qwen3" ? "Qwen3ForCausalLM" : type;
        if (arch.empty())
            r.fail("architectures", "is missing (and no model_type either)");
    }
    if (arch == "Qwen2ForCausalLM")
        return LlmArch::Qwen2;
    if (arch == "Qwen3ForCausalLM")
        return LlmArch::Qwen3;
    r.fail("architectures", "'" + arch + "' is not supported (Qwen2ForCausalLM, Qwen3ForCausalLM)");
}

LlmConfig parseLlm(const FieldReader &r)
{
    LlmConfig l = parseLlmFields(r, parseArch(r));
    if (r.has("rope_scaling"))
        r.fail("rope_scaling", "is not supported (only plain RoPE); got " + r.require("rope_scaling").dump());
    return l;
}

} // namespace

int ModelConfig::shuffleFactor() const { return static_cast<int>(std::lround(1.0 / downsampleRatio)); }
int ModelConfig::tokensPerTileFull() const
{
    const int side = vision.patchesPerSide() / shuffleFactor();
    return side * side;
}
int ModelConfig::tokensPerTileCompressed() const
{
    const int side = vision.patchesPerSide() / (shuffleFactor() * shuffleFactor());
    return side * side;
}
int ModelConfig::connectorWidthFull() const { return vision.hiddenSize * shuffleFactor() * shuffleFactor(); }
int ModelConfig::connectorWidthCompressed() const { return connectorWidthFull() * shuffleFactor() * shuffleFactor(); }

ModelConfig parseModelConfigText(const std::string &text, const std::filesystem::path &source)
{
    const json root = parseJsonText(text, source);
    const FieldReader r(root, "", source);
    ModelConfig c;
    c.source = source;

    if (const std::string type = r.string("model_type", "internvl_chat"); type != "internvl_chat")
        r.fail("model_type", "'" + type + "' is not supported (internvl_chat)");
    c.vision = parseVision(r.child("vision_config"));
    c.llm = parseLlm(r.child("llm_config"));

    c.downsampleRatio = r.numberOr("downsample_ratio", 0.5);
    const double inverse = 1.0 / c.downsampleRatio;
    if (c.downsampleRatio <= 0 || c.downsampleRatio > 1 || std::abs(inverse - std::round(inverse)) > 1e-9)
        r.fail("downsample_ratio", "must be 1/k for an integer k, got " + std::to_string(c.downsampleRatio));
    c.psVersion = r.string("ps_version", "v2");
    if (c.psVersion != "v2")
        r.fail("ps_version", "'" + c.psVersion + "' is not supported (v2)");
    c.templateName = r.string("template", "internvl2_5");
    if (c.templateName != "internvl2_5")
        r.fail("template", "'" + c.templateName + "' is not supported (internvl2_5)");
    if (const int layer = r.integerOr("select_layer", -1); layer != -1)
        r.fail("select_layer", "only -1 (the last layer) is supported, got " + std::to_string(layer));
    if (r.has("force_image_size") && r.integer("force_image_size") != c.vision.imageSize)
        r.fail("force_image_size", std::to_string(r.integer("force_image_size")) +
                                       " differs from vision_config.image_size " + std::to_string(c.vision.imageSize));
    c.minDynamicPatch = r.integerOr("min_dynamic_patch", 1);
    c.maxDynamicPatch = r.integerOr("max_dynamic_patch", 12);
    if (c.minDynamicPatch < 1)
        r.fail("min_dynamic_patch", "must be at least 1");
    if (c.maxDynamicPatch < c.minDynamicPatch || c.maxDynamicPatch > 64)
        r.fail("max_dynamic_patch", "must be in [min_dynamic_patch, 64], got " + std::to_string(c.maxDynamicPatch));
    c.dynamicImageSize = r.boolean("dynamic_image_size", true);
    c.useThumbnail = r.boolean("use_thumbnail", true);

    // lmdeploy builds mlp2 and the router whenever the config carries flash_mode at all.
    c.flash = r.has("flash_mode") || r.has("flash_relative_threshold");
    if (c.flash) {
        c.flashMode = r.boolean("flash_mode", false);
        c.flashRelativeThreshold = r.numberOr("flash_relative_threshold", 0.0);
        c.flashAbsoluteThreshold = r.numberOr("flash_absolute_threshold", 0.5);
        if (c.flashRelativeThreshold < 0 || c.flashRelativeThreshold > 1)
            r.fail("flash_relative_threshold", "must be in [0, 1], got " + std::to_string(c.flashRelativeThreshold));
        if (c.flashAbsoluteThreshold < 0 || c.flashAbsoluteThreshold > 1)
            r.fail("flash_absolute_threshold", "must be in [0, 1], got " + std::to_string(c.flashAbsoluteThreshold));
        if (c.vision.hiddenSize % 16 != 0)
            r.fail("vision_config.hidden_size", "must be a multiple of 16: the ViR pooling uses 16 heads");
    }

    const int factor = c.shuffleFactor() * (c.flash ? c.shuffleFactor() : 1);
    if (c.vision.patchesPerSide() % factor != 0)
        r.fail("downsample_ratio", "the " + std::to_string(c.vision.patchesPerSide()) +
                                       "-patch grid is not divisible by " + std::to_string(factor));
    return c;
}

ModelConfig parseModelConfig(const std::filesystem::path &configJson)
{
    return parseModelConfigText(readTextFile(configJson), configJson);
}

std::string modelConfigToJson(const ModelConfig &c)
{
    json vision = {
        {"architectures", {"InternVisionModel"}},
        {"model_type", "intern_vit_6b"},
        {"hidden_size", c.vision.hiddenSize},
        {"num_hidden_layers", c.vision.numLayers},
        {"num_attention_heads", c.vision.numHeads},
        {"intermediate_size", c.vision.intermediateSize},
        {"image_size", c.vision.imageSize},
        {"patch_size", c.vision.patchSize},
        {"qkv_bias", c.vision.qkvBias},
        {"qk_normalization", c.vision.qkNormalization},
        {"norm_type", c.vision.normType == NormType::LayerNorm ? "layer_norm" : "rms_norm"},
        {"layer_norm_eps", c.vision.layerNormEps},
        {"hidden_act", "gelu"},
        {"num_channels", 3},
    };
    json llm = {
        {"architectures", {c.llm.arch == LlmArch::Qwen2 ? "Qwen2ForCausalLM" : "Qwen3ForCausalLM"}},
        {"model_type", c.llm.arch == LlmArch::Qwen2 ? "qwen2" : "qwen3"},
        {"hidden_size", c.llm.hiddenSize},
        {"intermediate_size", c.llm.intermediateSize},
        {"num_hidden_layers", c.llm.numLayers},
        {"num_attention_heads", c.llm.numHeads},
        {"num_key_value_heads", c.llm.numKvHeads},
        {"vocab_size", c.llm.vocabSize},
        {"rms_norm_eps", c.llm.rmsNormEps},
        {"rope_theta", c.llm.ropeTheta},
        {"tie_word_embeddings", c.llm.tieWordEmbeddings},
        {"max_position_embeddings", c.llm.maxPositionEmbeddings},
        {"hidden_act", "silu"},
        {"rope_scaling", nullptr},
    };
    if (c.llm.arch == LlmArch::Qwen3) {
        llm["head_dim"] = c.llm.headDim;
        llm["attention_bias"] = c.llm.attentionBias;
    }
    if (!c.llm.eosTokenIds.empty())
        llm["eos_token_id"] = c.llm.eosTokenIds.size() == 1 ? json(c.llm.eosTokenIds[0]) : json(c.llm.eosTokenIds);
    json root = {
        {"architectures", {"InternVLChatModel"}},
        {"model_type", "internvl_chat"},
        {"vision_config", vision},
        {"llm_config", llm},
        {"downsample_ratio", c.downsampleRatio},
        {"ps_version", c.psVersion},
        {"template", c.templateName},
        {"select_layer", -1},
        {"force_image_size", c.vision.imageSize},
        {"min_dynamic_patch", c.minDynamicPatch},
        {"max_dynamic_patch", c.maxDynamicPatch},
        {"dynamic_image_size", c.dynamicImageSize},
        {"use_thumbnail", c.useThumbnail},
    };
    if (c.flash) {
        root["flash_mode"] = c.flashMode;
        root["flash_relative_threshold"] = c.flashRelativeThreshold;
        root["flash_absolute_threshold"] = c.flashAbsoluteThreshold;
    }
    return root.dump(2) + "\n";
}

namespace {

void addNorm(std::vector<ExpectedTensor> &out, const std::string &prefix, std::int64_t width, bool withBias)
{
    out.push_back({prefix + ".weight", {width}});
    if (withBias)
        out.push_back({prefix + ".bias", {width}});
}

void addVision(std::vector<ExpectedTensor> &out, const ModelConfig &c)
{
    const std::int64_t C = c.vision.hiddenSize, P = c.vision.patchSize, G = c.vision.patchesPerSide();
    const std::string e = "vision_model.embeddings.";
    out.push_back({e + "class_embedding", {1, 1, C}});
    out.push_back({e + "patch_embedding.weight", {C, 3, P, P}});
    out.push_back({e + "patch_embedding.bias", {C}});
    out.push_back({e + "position_embedding", {1, G * G + 1, C}});
    const bool layerNorm = c.vision.normType == NormType::LayerNorm;
    for (int i = 0; i < c.vision.numLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        addLinearTensors(out, l + "attn.qkv", C, 3 * C, c.vision.qkvBias);
        addLinearTensors(out, l + "attn.proj", C, C, true);
        if (c.vision.qkNormalization) {
            out.push_back({l + "attn.q_norm.weight", {C}});
            out.push_back({l + "attn.k_norm.weight", {C}});
        }
        out.push_back({l + "ls1", {C}});
        out.push_back({l + "ls2", {C}});
        addNorm(out, l + "norm1", C, layerNorm);
        addNorm(out, l + "norm2", C, layerNorm);
        addLinearTensors(out, l + "mlp.fc1", C, c.vision.intermediateSize, true);
        addLinearTensors(out, l + "mlp.fc2", c.vision.intermediateSize, C, true);
    }
}

void addConnectors(std::vector<ExpectedTensor> &out, const ModelConfig &c)
{
    const std::int64_t D = c.llm.hiddenSize, W4 = c.connectorWidthFull();
    addNorm(out, "mlp1.0", W4, true);
    addLinearTensors(out, "mlp1.1", W4, D, true);
    addLinearTensors(out, "mlp1.3", D, D, true);
    if (!c.flash)
        return;
    const std::int64_t W16 = c.connectorWidthCompressed();
    // Indices .2/.3 and .5/.6 are GELU/Dropout slots: kept so the released names line up.
    addNorm(out, "mlp2.0", W16, true);
    addLinearTensors(out, "mlp2.1", W16, 2 * D, true);
    addLinearTensors(out, "mlp2.4", 2 * D, 2 * D, true);
    addLinearTensors(out, "mlp2.7", 2 * D, D, true);
}

void addRouter(std::vector<ExpectedTensor> &out, const ModelConfig &c)
{
    if (!c.flash)
        return;
    const std::int64_t C = c.vision.hiddenSize;
    const std::string p = "pooling_before_gating.";
    out.push_back({p + "query_token", {1, C}});
    for (int k = 1; k <= 4; ++k) {
        // attn3/attn4 exist in released checkpoints but their forward never calls them.
        const bool used = k <= 2;
        const std::string a = p + "attn" + std::to_string(k) + ".";
        out.push_back({a + "in_proj_weight", {3 * C, C}, used});
        out.push_back({a + "in_proj_bias", {3 * C}, used});
        addLinearTensors(out, a + "out_proj", C, C, true, used);
        out.push_back({p + "norm" + std::to_string(k) + ".weight", {C}, used});
        out.push_back({p + "norm" + std::to_string(k) + ".bias", {C}, used});
    }
    for (int k = 1; k <= 4; ++k) {
        const std::string b = "gating.block" + std::to_string(k) + ".";
        addLinearTensors(out, b + "0", C, 4 * C, true);
        addLinearTensors(out, b + "3", 4 * C, C, true);
        addNorm(out, b + "5", C, true);
    }
    addNorm(out, "gating.gate.0", C, true);
    addLinearTensors(out, "gating.gate.1", C, 2, true);
}

} // namespace

std::vector<ExpectedTensor> expectedTensors(const ModelConfig &config)
{
    std::vector<ExpectedTensor> out;
    addVision(out, config);
    addConnectors(out, config);
    addRouter(out, config);
    addLanguageModelTensors(out, config.llm, "language_model.model.", "language_model.lm_head.weight");
    return out;
}

} // namespace tokenscope
