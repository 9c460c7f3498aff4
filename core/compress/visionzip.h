// SPDX-License-Identifier: MIT
#pragma once

// VisionZip (Yang et al., arXiv 2412.04467, CVPR 2025) adapted to InternVL's pixel shuffle.
// Private to core: includes LibTorch.
//
// The InternVL adaptation (shared with PruMerge+, compress/prumerge.h):
// - VisionZip ranks LLaVA tokens, where one CLIP patch is one LLM token. In InternVL a token folds
//   f×f patches (f = 2 at 1/4, 4 at 1/16), so a token's CLS attention is the SUM over its f×f
//   patches of the last encoder layer's CLS→patch attention: the attention mass the token carries,
//   comparable across tiles of different ratios (a 1/16 token carries 16 patches' worth).
// - Similarities for merging are cosine on the connector outputs (`visualTokens`), not on encoder
//   keys: merging happens on the rows the LLM receives, and pooled keys would need the encoder's
//   last-layer keys, which SelectionInput does not carry (clsAttention gives probabilities only).

#include "compress/token_selector.h"

namespace tokenscope {

// [N] token-level CLS attention in plan order: token (x, y) of a tile with a g×g patch grid and an
// s×s token grid sums patches [y·f, y·f+f) × [x·f, x·f+f), f = g / s (model/pixel_shuffle.h).
torch::Tensor tokenClsAttention(const SelectionInput &input);

// Of k slots, k − c hold the "dominant" tokens (highest token CLS attention) and c = round(k·
// contextual_fraction) (at most k − 1) hold "contextual" tokens: c targets evenly spaced over the
// remaining tokens (stride ⌊R/c⌋, as visionzip/clip_encoder.py), every other remaining token joins
// its most cosine-similar target, and the contextual token is the mean of the target and its
// members. VisionZip adds the target to its members' mean (target + mean); TokenScope averages
// instead, since the merge runs on LLM-width connector outputs whose scale the LLM expects.
class VisionZipSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
