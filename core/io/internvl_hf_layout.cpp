// SPDX-License-Identifier: MIT
#include "io/internvl_hf_layout.h"

#include "io/config_fields.h"

#include <utility>

namespace tokenscope {

using nlohmann::json;

namespace {

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// An int, or a list of two equal ints ((448, 448) after InternVLVisionConfig.__post_init__).
json squareSide(const FieldReader &r, const std::string &field)
{
    const json &v = r.require(field);
    if (v.is_array()) {
        if (v.size() != 2 || !v[0].is_number_integer() || v[0] != v[1])
            r.fail(field, "must be one size or two equal sizes (square tiles), got " + v.dump());
        return v[0];
    }
    return v;
}

// InternViT layer names: chat `…layers.N.<rest>` -> transformers `…layer.N.<rest>`.
const std::pair<const char *, const char *> kLayerRenames[] = {
    {"attn.proj.", "attention.projection_layer."},
    {"attn.q_norm.", "attention.q_norm."},
    {"attn.k_norm.", "attention.k_norm."},
    {"norm1.", "layernorm_before."},
    {"norm2.", "layernorm_after."},
    {"mlp.fc1.", "mlp.fc1."},
    {"mlp.fc2.", "mlp.fc2."},
};

const std::pair<const char *, const char *> kRenames[] = {
    {"vision_model.embeddings.class_embedding", "vision_tower.embeddings.cls_token"},
    {"vision_model.embeddings.position_embedding", "vision_tower.embeddings.position_embeddings"},
    {"vision_model.embeddings.patch_embedding.weight", "vision_tower.embeddings.patch_embeddings.projection.weight"},
    {"vision_model.embeddings.patch_embedding.bias", "vision_tower.embeddings.patch_embeddings.projection.bias"},
    {"mlp1.0.weight", "multi_modal_projector.layer_norm.weight"},
    {"mlp1.0.bias", "multi_modal_projector.layer_norm.bias"},
    {"mlp1.1.weight", "multi_modal_projector.linear_1.weight"},
    {"mlp1.1.bias", "multi_modal_projector.linear_1.bias"},
    {"mlp1.3.weight", "multi_modal_projector.linear_2.weight"},
    {"mlp1.3.bias", "multi_modal_projector.linear_2.bias"},
};

const std::string kChatLayers = "vision_model.encoder.layers.";

}   // namespace

bool isInternVLHfConfigText(const std::string &configJson)
{
    const json root = json::parse(configJson, nullptr, false);
    return root.is_object() && root.contains("model_type") && root["model_type"] == "internvl";
}

ModelConfig parseInternVLHfConfigText(const std::string &configJson, const std::filesystem::path &source)
{
    const json root = parseJsonText(configJson, source);
    const FieldReader r(root, "", source);
    const FieldReader vision = r.child("vision_config");
    r.child("text_config");   // must be an object
    // What the engine computes: the last layer's patch tokens (CLS dropped), no pooled head, mlp1
    // with GELU (InternVLModel.get_image_features, InternVLMultiModalProjector).
    if (r.integerOr("vision_feature_layer", -1) != -1)
        r.fail("vision_feature_layer",
               "only -1 (the last layer) is supported, got " + r.require("vision_feature_layer").dump());
    if (const std::string s = r.string("vision_feature_select_strategy", "default"); s != "default")
        r.fail("vision_feature_select_strategy", "'" + s + "' is not supported (default: the CLS token dropped)");
    if (const std::string act = r.string("projector_hidden_act", "gelu"); act != "gelu")
        r.fail("projector_hidden_act", "'" + act + "' is not supported (gelu)");
    if (!vision.boolean("use_mean_pooling", true))
        vision.fail("use_mean_pooling", "false adds a final LayerNorm that InternViT does not have; not supported");
    if (!vision.boolean("use_absolute_position_embeddings", true))
        vision.fail("use_absolute_position_embeddings", "false is not supported (InternViT learns absolute positions)");

    // The chat layout's config.json with transformers' values, parsed by the one parser that
    // validates every value.
    json chatVision = json::object();
    for (const char *field : {"hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                              "layer_norm_eps", "hidden_act", "num_channels"})
        if (vision.has(field))
            chatVision[field] = vision.require(field);
    chatVision["image_size"] = squareSide(vision, "image_size");
    chatVision["patch_size"] = squareSide(vision, "patch_size");
    chatVision["qkv_bias"] = vision.boolean("attention_bias", false);   // InternVLVisionConfig's defaults
    chatVision["qk_normalization"] = vision.boolean("use_qk_norm", false);
    chatVision["norm_type"] = vision.string("norm_type", "layer_norm");

    json llm = root.at("text_config");
    llm.erase("architectures");   // model_type names the LLM (qwen2 when absent, as InternVLConfig does)
    if (!llm.contains("model_type"))
        llm["model_type"] = "qwen2";
    if (!llm.contains("tie_word_embeddings"))
        llm["tie_word_embeddings"] = r.boolean("tie_word_embeddings", true);
    if (!llm.contains("eos_token_id") && r.has("eos_token_id"))
        llm["eos_token_id"] = r.require("eos_token_id");

    json chat = {{"model_type", "internvl_chat"},
                 {"vision_config", chatVision},
                 {"llm_config", llm},
                 {"template", "internvl2_5"},
                 {"ps_version", "v2"}};
    if (r.has("downsample_ratio"))
        chat["downsample_ratio"] = r.require("downsample_ratio");
    return parseModelConfigText(chat.dump(), source);
}

ModelConfig parseAnyInternVLConfig(const std::filesystem::path &configJson, bool &transformersLayout)
{
    const std::string text = readTextFile(configJson);
    transformersLayout = isInternVLHfConfigText(text);
    return transformersLayout ? parseInternVLHfConfigText(text, configJson) : parseModelConfigText(text, configJson);
}

std::string internVLHfConfigToJson(const ModelConfig &c)
{
    json chat = json::parse(modelConfigToJson(c));
    const json &v = chat["vision_config"];
    json vision = {{"model_type", "internvl_vision"},
                   {"hidden_size", v["hidden_size"]},
                   {"num_hidden_layers", v["num_hidden_layers"]},
                   {"num_attention_heads", v["num_attention_heads"]},
                   {"intermediate_size", v["intermediate_size"]},
                   {"image_size", {v["image_size"], v["image_size"]}},
                   {"patch_size", {v["patch_size"], v["patch_size"]}},
                   {"attention_bias", v["qkv_bias"]},
                   {"use_qk_norm", v["qk_normalization"]},
                   {"norm_type", v["norm_type"]},
                   {"layer_norm_eps", v["layer_norm_eps"]},
                   {"hidden_act", "gelu"},
                   {"use_mean_pooling", true},
                   {"use_absolute_position_embeddings", true}};
    json text = chat["llm_config"];
    text.erase("architectures");
    const json root = {{"architectures", {"InternVLForConditionalGeneration"}},
                       {"model_type", "internvl"},
                       {"vision_config", vision},
                       {"text_config", text},
                       {"downsample_ratio", chat["downsample_ratio"]},
                       {"projector_hidden_act", "gelu"},
                       {"vision_feature_layer", -1},
                       {"vision_feature_select_strategy", "default"},
                       {"tie_word_embeddings", c.llm.tieWordEmbeddings}};
    return root.dump(2) + "\n";
}

std::string internVLHfName(const std::string &chatName, HfPrefix prefix)
{
    const std::string model = prefix == HfPrefix::Model ? "model." : "";
    // The LLM: language_model.model.* -> model.language_model.* (4.x kept the chat names).
    if (startsWith(chatName, "language_model.model."))
        return prefix == HfPrefix::Model
                   ? "model.language_model." + chatName.substr(std::string("language_model.model.").size())
                   : chatName;
    if (chatName == "language_model.lm_head.weight")
        return prefix == HfPrefix::Model ? "lm_head.weight" : chatName;
    for (const auto &[chat, hf] : kRenames)
        if (chatName == chat)
            return model + hf;
    if (startsWith(chatName, kChatLayers)) {
        const auto dot = chatName.find('.', kChatLayers.size());
        const std::string layer = chatName.substr(kChatLayers.size(), dot - kChatLayers.size());
        const std::string rest = chatName.substr(dot + 1);
        const std::string hfLayer = model + "vision_tower.encoder.layer." + layer + ".";
        if (rest == "ls1" || rest == "ls2")
            return hfLayer + "lambda_" + rest.substr(2);
        for (const auto &[from, to] : kLayerRenames)
            if (startsWith(rest, from))
                return hfLayer + to + rest.substr(std::string(from).size());
    }
    return {};
}

std::array<std::string, 3> internVLHfQkvNames(const std::string &chatName, HfPrefix prefix)
{
    if (!startsWith(chatName, kChatLayers))
        return {};
    const auto dot = chatName.find('.', kChatLayers.size());
    const std::string rest = chatName.substr(dot + 1);
    if (rest != "attn.qkv.weight" && rest != "attn.qkv.bias")
        return {};
    const std::string base = (prefix == HfPrefix::Model ? "model." : "") + std::string("vision_tower.encoder.layer.") +
                             chatName.substr(kChatLayers.size(), dot - kChatLayers.size()) + ".attention.";
    const std::string kind = rest.substr(std::string("attn.qkv.").size());
    return {base + "q_proj." + kind, base + "k_proj." + kind, base + "v_proj." + kind};
}

}   // namespace tokenscope
