// SPDX-License-Identifier: MIT
#include "io/config_fields.h"

#include "common/error.h"

#include <fstream>
#include <sstream>

namespace tokenscope {

using nlohmann::json;

std::string readTextFile(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(file, "cannot be opened (missing or unreadable)");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

json parseJsonText(const std::string &text, const std::filesystem::path &source)
{
    try {
        return json::parse(text);
    } catch (const json::exception &e) {
        throw Error(source.filename(), std::string("is not valid JSON: ") + e.what());
    }
}

LlmConfig parseLlmFields(const FieldReader &r, LlmArch arch)
{
    LlmConfig l;
    l.arch = arch;
    l.hiddenSize = r.positiveInt("hidden_size");
    l.intermediateSize = r.positiveInt("intermediate_size");
    l.numLayers = r.positiveInt("num_hidden_layers");
    l.numHeads = r.positiveInt("num_attention_heads");
    l.numKvHeads = r.has("num_key_value_heads") ? r.positiveInt("num_key_value_heads") : l.numHeads;
    l.vocabSize = r.positiveInt("vocab_size");
    l.rmsNormEps = r.numberOr("rms_norm_eps", 1e-6);
    l.ropeTheta = r.numberOr("rope_theta", 1e6);
    l.tieWordEmbeddings = r.boolean("tie_word_embeddings", false);
    l.maxPositionEmbeddings = r.integerOr("max_position_embeddings", 32768);
    // Qwen3 names the per-head width explicitly (it need not be hidden/heads); Qwen2 derives it.
    if (l.arch == LlmArch::Qwen3 && r.has("head_dim")) {
        l.headDim = r.positiveInt("head_dim");
    } else {
        if (l.hiddenSize % l.numHeads != 0)
            r.fail("num_attention_heads",
                   std::to_string(l.numHeads) + " does not divide hidden_size " + std::to_string(l.hiddenSize));
        l.headDim = l.hiddenSize / l.numHeads;
    }
    if (l.headDim % 2 != 0)
        r.fail("head_dim", "must be even for rotary embeddings, got " + std::to_string(l.headDim));
    l.attentionBias = l.arch == LlmArch::Qwen2 ? true : r.boolean("attention_bias", false);
    if (l.numHeads % l.numKvHeads != 0)
        r.fail("num_key_value_heads",
               std::to_string(l.numKvHeads) + " does not divide num_attention_heads " + std::to_string(l.numHeads));
    if (const std::string act = r.string("hidden_act", "silu"); act != "silu")
        r.fail("hidden_act", "'" + act + "' is not supported (silu)");
    if (l.rmsNormEps <= 0)
        r.fail("rms_norm_eps", "must be positive");
    if (l.ropeTheta <= 0)
        r.fail("rope_theta", "must be positive");
    if (r.has("eos_token_id")) {
        const json &e = r.require("eos_token_id");
        if (e.is_number_integer()) {
            l.eosTokenIds.push_back(e.get<int>());
        } else if (e.is_array()) {
            for (const json &id : e) {
                if (!id.is_number_integer())
                    r.fail("eos_token_id", "must be an integer or a list of integers, got " + e.dump());
                l.eosTokenIds.push_back(id.get<int>());
            }
        } else {
            r.fail("eos_token_id", "must be an integer or a list of integers, got " + e.dump());
        }
    }
    return l;
}

void addLinearTensors(std::vector<ExpectedTensor> &out, const std::string &prefix, std::int64_t in,
                      std::int64_t outWidth, bool withBias, bool required)
{
    out.push_back({prefix + ".weight", {outWidth, in}, required});
    if (withBias)
        out.push_back({prefix + ".bias", {outWidth}, required});
}

void addLanguageModelTensors(std::vector<ExpectedTensor> &out, const LlmConfig &l, const std::string &body,
                             const std::string &head)
{
    const std::int64_t D = l.hiddenSize, Hq = std::int64_t(l.numHeads) * l.headDim,
                       Hkv = std::int64_t(l.numKvHeads) * l.headDim;
    const std::string &m = body;
    out.push_back({m + "embed_tokens.weight", {l.vocabSize, D}});
    const bool qwen3 = l.arch == LlmArch::Qwen3;
    for (int i = 0; i < l.numLayers; ++i) {
        const std::string p = m + "layers." + std::to_string(i) + ".";
        addLinearTensors(out, p + "self_attn.q_proj", D, Hq, l.attentionBias);
        addLinearTensors(out, p + "self_attn.k_proj", D, Hkv, l.attentionBias);
        addLinearTensors(out, p + "self_attn.v_proj", D, Hkv, l.attentionBias);
        addLinearTensors(out, p + "self_attn.o_proj", Hq, D, qwen3 && l.attentionBias);
        if (qwen3) {
            out.push_back({p + "self_attn.q_norm.weight", {l.headDim}});
            out.push_back({p + "self_attn.k_norm.weight", {l.headDim}});
        }
        addLinearTensors(out, p + "mlp.gate_proj", D, l.intermediateSize, false);
        addLinearTensors(out, p + "mlp.up_proj", D, l.intermediateSize, false);
        addLinearTensors(out, p + "mlp.down_proj", l.intermediateSize, D, false);
        out.push_back({p + "input_layernorm.weight", {D}});
        out.push_back({p + "post_attention_layernorm.weight", {D}});
    }
    out.push_back({m + "norm.weight", {D}});
    out.push_back({head, {l.vocabSize, D}, !l.tieWordEmbeddings});
}

}   // namespace tokenscope
