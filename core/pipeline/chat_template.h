// SPDX-License-Identifier: MIT
#pragma once

// The InternVL chat template for Qwen-family LLMs ("internvl2_5", an MPT-style ChatML):
//   <|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n
// with `<image>` in the question (prepended as "<image>\n" when absent) replaced by
// <img><IMG_CONTEXT>×N</img> (InternVL conversation.py and InternVLChatModel.chat).

#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

inline constexpr std::string_view kImageStart = "<img>";
inline constexpr std::string_view kImageEnd = "</img>";
inline constexpr std::string_view kImageContext = "<IMG_CONTEXT>";
inline constexpr std::string_view kImEnd = "<|im_end|>";

// The special tokens of InternVL's Qwen tokenizers in id order: the ones the template and the
// engine need (<|endoftext|>, <|im_start|>, <|im_end|>, <img>, </img>, <IMG_CONTEXT>), then the
// grounding tokens, so tokenizers TokenScope writes have the released models' special set.
std::vector<std::string> internVLSpecialTokens();

// The system message InternVL3.5 ships in its internvl2_5 template.
std::string_view defaultSystemMessage();

std::string buildChatPrompt(std::string_view question, int imageContextTokens,
                            std::string_view systemMessage = defaultSystemMessage());

} // namespace tokenscope
