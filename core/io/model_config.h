// SPDX-License-Identifier: MIT
#pragma once

// InternVLChatConfig (config.json of an InternVL / InternVL-Flash checkpoint), parsed into plain
// values, and the tensor names and shapes those values imply (HF checkpoint naming).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

enum class NormType { LayerNorm, RmsNorm };
enum class LlmArch { Qwen2, Qwen3 };

struct VisionConfig {
    int hiddenSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int intermediateSize = 0;
    int imageSize = 0;          // tile side in pixels (448 in the released models)
    int patchSize = 0;
    bool qkvBias = true;
    bool qkNormalization = false;
    NormType normType = NormType::LayerNorm;
    double layerNormEps = 1e-6;

    int patchesPerSide() const { return imageSize / patchSize; }
};

struct LlmConfig {
    LlmArch arch = LlmArch::Qwen3;
    int hiddenSize = 0;
    int intermediateSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;
    int vocabSize = 0;
    double rmsNormEps = 1e-6;
    double ropeTheta = 1e6;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; // q/k/v (and o for Qwen3) biases; Qwen2 always has q/k/v biases
    int maxPositionEmbeddings = 0;
    std::vector<int> eosTokenIds;
    // M-RoPE (Qwen2.5-VL): how many of the headDim / 2 rotary frequencies take the temporal, row
    // and column position, in that order; all zero for plain RoPE (one position per token).
    std::array<int, 3> mropeSection{0, 0, 0};
    bool multimodalRope() const { return mropeSection[0] + mropeSection[1] + mropeSection[2] > 0; }
};

struct ModelConfig {
    std::filesystem::path source;   // the config.json it came from
    VisionConfig vision;
    LlmConfig llm;
    double downsampleRatio = 0.5;   // pixel-shuffle scale of the 1/4 path
    std::string psVersion = "v2";
    std::string templateName = "internvl2_5";
    int minDynamicPatch = 1;
    int maxDynamicPatch = 12;
    bool dynamicImageSize = true;
    bool useThumbnail = true;
    // InternVL3.5-Flash: a second connector (mlp2, ratio 1/16) and the ViR router.
    bool flash = false;
    // flash_mode is truthy: the reference routes by default (modeling_internvl_chat.py generate()
    // calls generate_flash only then; lmdeploy internvl.py `if self.flash_mode:`). A config whose
    // flash_mode is false still has mlp2 and the router, but its default is every tile at 1/4.
    bool flashMode = false;
    double flashRelativeThreshold = 0.0;
    double flashAbsoluteThreshold = 0.5;

    int shuffleFactor() const;                    // 1 / downsampleRatio (2)
    int tokensPerTileFull() const;                // (patches / factor)^2: 256 at 448 px
    int tokensPerTileCompressed() const;          // (patches / factor^2)^2: 64 at 448 px
    int connectorWidthFull() const;               // C * factor^2
    int connectorWidthCompressed() const;         // C * factor^4
};

// Parses and validates config.json. Unsupported or inconsistent values throw Error naming the
// file and the field (e.g. "config.json: llm_config.architectures: 'LlamaForCausalLM' is not
// supported (Qwen2ForCausalLM, Qwen3ForCausalLM)").
ModelConfig parseModelConfig(const std::filesystem::path &configJson);
ModelConfig parseModelConfigText(const std::string &json, const std::filesystem::path &source);

// Serialises the fields above back to an InternVLChatConfig JSON (fixtures, trainer output).
std::string modelConfigToJson(const ModelConfig &config);

struct ExpectedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    bool required = true;   // false: released checkpoints carry it but the forward pass never reads it
};

// Every tensor the config implies, with its shape, in HF InternVL(-Flash) naming.
std::vector<ExpectedTensor> expectedTensors(const ModelConfig &config);

} // namespace tokenscope
