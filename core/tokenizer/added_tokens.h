// SPDX-License-Identifier: MIT
#pragma once

// Added tokens (<|im_start|>, <think>, <IMG_CONTEXT>, ...) are cut out of the text before any
// normalisation or BPE, leftmost-longest, as Hugging Face tokenizers does.

#include "tokenizer/tokenizer.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

struct AddedToken {
    std::string content;
    TokenId id = 0;
    bool special = false;
    bool lstrip = false;       // swallow the whitespace before a match
    bool rstrip = false;       // swallow the whitespace after a match
    bool normalized = false;   // matched in normalised text instead of the raw input
};

// A piece of text between matches (token == nullptr) or one matched added token.
struct TextSegment {
    std::string_view text;
    const AddedToken *token = nullptr;
};

class AddedTokenMatcher {
public:
    AddedTokenMatcher() = default;
    // `tokens` must outlive the matcher; `contents[i]` is what tokens[i] matches (its content, or
    // the normalised content for normalized tokens).
    AddedTokenMatcher(std::vector<const AddedToken *> tokens, std::vector<std::string> contents);

    bool empty() const { return m_tokens.empty(); }

    // Splits `text` into segments; text segments next to an lstrip/rstrip match lose that
    // whitespace, and empty text segments are dropped.
    void split(std::string_view text, std::vector<TextSegment> &out) const;

private:
    std::vector<const AddedToken *> m_tokens;
    std::vector<std::string> m_contents;
    std::array<std::vector<int>, 256> m_byFirstByte;   // indices, longest content first
};

} // namespace tokenscope
