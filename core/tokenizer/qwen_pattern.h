// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace tokenscope {

// The Split regex of Qwen2/Qwen2.5/Qwen3 tokenizer.json: contractions, letter runs with at most one
// leading non-letter, single digits, punctuation runs, newline runs and whitespace.
inline constexpr std::string_view kQwenSplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

} // namespace tokenscope
