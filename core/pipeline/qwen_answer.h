// SPDX-License-Identifier: MIT
#pragma once

// One question about one image to a Qwen2.5-VL model, end to end: the processor's pixels, the
// vision tower, VisionSelector's scorer before the LLM (when a budget below 1 is asked), the chat
// prompt with the kept image rows at their original 3-D positions, prefill and greedy decoding.
// The building block the engine's Qwen2.5-VL family will run. Private to core: includes LibTorch.

#include "image/image.h"
#include "model/qwen2_5_vl_model.h"
#include "tokenizer/tokenizer.h"

#include <string>
#include <vector>

namespace tokenscope {

// The Qwen2-VL / Qwen2.5-VL chat template with its default system turn, one image before the
// question, its <|image_pad|> repeated once per merged token (Qwen2_5_VLProcessor's expansion):
//   <|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n
//   <|vision_start|><|image_pad|>×N<|vision_end|>{question}<|im_end|>\n<|im_start|>assistant\n
std::string buildQwenChatPrompt(const std::string &question, std::int64_t imageTokens);

struct QwenAnswer {
    std::string text;
    std::vector<TokenId> ids;
    bool stoppedOnEos = false;
    QwenPatchGrid grid;               // the image's size in patches
    std::int64_t visualTokens = 0;    // merged tokens of the image
    std::vector<std::int64_t> kept;   // the image tokens sent, ascending (all without a scorer)
    std::vector<float> scores;        // the scorer's, per image token (empty without one)
    std::int64_t promptTokens = 0;    // rows sent to the prefill
};

// `selector` (loadQwenVisionSelector) keeps max(1, ⌊budget·N⌋) image tokens when budget < 1;
// without one a budget below 1 is an Error. `source` names the image in errors.
QwenAnswer answerQwen(const Qwen25VLModel &model, const Tokenizer &tokenizer, const RgbImage &image,
                      const std::string &source, const std::string &question, const nn::ParameterMap &selector,
                      double budget, int maxNewTokens);

}   // namespace tokenscope
