// SPDX-License-Identifier: MIT
#pragma once

// A Qwen2.5-VL checkpoint folder's config.json (Qwen2_5_VLForConditionalGeneration) and
// preprocessor_config.json (Qwen2VLImageProcessor), parsed into plain values, and the tensor names
// and shapes they imply in either layout transformers writes. Facts and sources: docs/qwen2_5_vl.md.

#include "io/model_config.h"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

struct QwenVisionConfig {
    int depth = 0;
    int hiddenSize = 0;
    int intermediateSize = 0;
    int numHeads = 0;
    int patchSize = 14;
    int spatialMergeSize = 2;
    int temporalPatchSize = 2;
    int windowSize = 112;                   // pixels; a window is windowSize / patchSize patches a side
    std::vector<int> fullAttentionBlocks;   // fullatt_block_indexes: these blocks see the whole image
    int outHiddenSize = 0;                  // the merger's output width (the LLM's hidden size)
    double rmsNormEps = 1e-6;               // Qwen2RMSNorm(dim, eps=1e-6) in every vision block and ln_q

    int headDim() const { return hiddenSize / numHeads; }
    int mergeUnit() const { return spatialMergeSize * spatialMergeSize; }                // patches per LLM token
    int patchWidth() const { return 3 * temporalPatchSize * patchSize * patchSize; }     // 1176
    int mergedWidth() const { return hiddenSize * mergeUnit(); }                         // the merger's input width
    int windowMergedSide() const { return windowSize / spatialMergeSize / patchSize; }   // 4
    bool isFullAttention(int block) const;
};

struct QwenPreprocessorConfig {
    std::filesystem::path source;
    long long minPixels = 56 * 56;
    long long maxPixels = 28LL * 28 * 1280;
    int patchSize = 14;
    int temporalPatchSize = 2;
    int mergeSize = 2;
    std::array<double, 3> imageMean{0.48145466, 0.4578275, 0.40821073};   // CLIP's
    std::array<double, 3> imageStd{0.26862954, 0.26130258, 0.27577711};

    int factor() const { return patchSize * mergeSize; }   // both sides are multiples of this (28)
};

struct Qwen25VLConfig {
    std::filesystem::path source;   // config.json
    QwenVisionConfig vision;
    LlmConfig llm;               // arch Qwen2; rope_theta, eos, mrope_section from the text part
    int imageTokenId = 151655;   // <|image_pad|>
    int visionStartTokenId = 151652;
    int visionEndTokenId = 151653;
    QwenPreprocessorConfig preprocessor;
};

// Reads `folder`/config.json and `folder`/preprocessor_config.json (defaults of
// Qwen2VLImageProcessor when the latter is absent). Unsupported or inconsistent values throw Error
// naming the file and the field.
Qwen25VLConfig parseQwen25VLFolder(const std::filesystem::path &folder);
Qwen25VLConfig parseQwen25VLConfigText(const std::string &configJson, const std::filesystem::path &source);
QwenPreprocessorConfig parseQwenPreprocessorText(const std::string &json, const std::filesystem::path &source);

// config.json in the hub's layout (text fields at the top level) and preprocessor_config.json,
// as the published files spell them (fixtures).
std::string qwen25VLConfigToJson(const Qwen25VLConfig &config);
std::string qwenPreprocessorToJson(const QwenPreprocessorConfig &preprocessor);

// True when a config.json names Qwen2_5_VLForConditionalGeneration (or model_type qwen2_5_vl).
bool isQwen25VLConfigText(const std::string &configJson);

// The two tensor layouts of published checkpoints: the hub's (`visual.*`, `model.*`, `lm_head`)
// and the one transformers >= 4.52 saves (`model.visual.*`, `model.language_model.*`, `lm_head`).
enum class QwenTensorLayout { Hub, Nested };

std::string qwenVisionPrefix(QwenTensorLayout layout);     // "visual." / "model.visual."
std::string qwenLanguagePrefix(QwenTensorLayout layout);   // "model." / "model.language_model."

std::vector<ExpectedTensor> expectedQwenVisionTensors(const QwenVisionConfig &vision, QwenTensorLayout layout);
std::vector<ExpectedTensor> expectedQwen25VLTensors(const Qwen25VLConfig &config, QwenTensorLayout layout);

}   // namespace tokenscope
