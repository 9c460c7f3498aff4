// SPDX-License-Identifier: MIT
#pragma once

// Reads and validates a Hugging Face tokenizer.json. Only the byte-level BPE form that Qwen2/Qwen3
// ship is accepted; anything else is an Error naming the JSON field at fault.

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenscope {

struct TokenizerDescription {
    TokenIdMap vocab;                                           // model.vocab
    std::vector<std::pair<std::string, std::string>> merges;    // model.merges, rank order
    bool ignoreMerges = false;
    bool nfc = false;                                           // normalizer NFC (or none)
    std::string splitPattern;                                   // the Split pre-tokenizer's regex
    std::string splitPatternField;                              // its JSON path, for errors
    std::vector<AddedToken> addedTokens;
};

TokenizerDescription readTokenizerJson(std::string_view json, const std::string &source);

} // namespace tokenscope
