// SPDX-License-Identifier: MIT
#pragma once

// Sequence assembly for InternVL-Flash (compress_visual_tokens_in_sentence in the released code):
// the prompt holds tokensFull <IMG_CONTEXT> per tile; for a tile that sends fewer tokens, the
// first `count` placeholders of its block stay and the rest are removed, so 1/4 and 1/16 tiles
// stay interleaved in tile order and positions are contiguous in the shortened sequence.

#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <vector>

namespace tokenscope {

struct VisualSpan {
    int tile = 0;
    int start = 0;   // position in the assembled sequence
    int count = 0;
};

struct SequenceLayout {
    std::vector<TokenId> ids;
    std::vector<VisualSpan> spans;   // tile order
    int visualTokens = 0;
    int textTokens = 0;
};

// `prompt` must hold exactly one run of tokensPerTileSent.size() × tokensFull placeholders;
// anything else throws Error naming `source`.
SequenceLayout assembleSequence(const std::vector<TokenId> &prompt, TokenId imageContext, int tokensFull,
                                const std::vector<int> &tokensPerTileSent, const std::string &source);

// The sequence positions of every visual token, tile by tile.
std::vector<std::int64_t> visualRows(const SequenceLayout &layout);

} // namespace tokenscope
