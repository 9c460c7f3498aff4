// SPDX-License-Identifier: MIT
#pragma once

// VisPruner (Zhang et al., "Beyond Text-Visual Attention: Exploiting Visual Cues for Effective
// Token Pruning in VLMs", arXiv 2412.01818, ICCV 2025) on InternVL tokens; follows
// anonymous-4869/VisPruner llava/model/llava_arch.py (encode_images) and clip_encoder.py.
// Private to core: includes LibTorch.
//
// Of k slots, ⌊k·important_fraction⌋ go to the tokens with the most CLS attention (mean over
// heads, the layer whose output feeds the LLM); the rest are filled with diverse tokens: the
// remaining ones, in descending attention, are split alternately into A and B, the (at most 8) A
// tokens most cosine-similar to some B token are dropped, A's survivors (least similar first)
// are followed by B, and this repeats until k − ⌊k·f⌋ remain. Kept tokens go to the LLM in index
// order with contiguous positions.
// InternVL adaptations (compress/patch_pooling.h): a token's attention and feature are sums over
// its f×f patches; the ranking is global over all tiles (the LLaVA code runs per image).

#include "compress/token_selector.h"

#include <vector>

namespace tokenscope {

// The diverse remainder: `residual` (token indices, the order matters) reduced to `count` by the
// alternating-split rule above, `similarity` the [N, N] cosine matrix of all tokens (CPU, fp32).
std::vector<std::int64_t> vispruneDiverse(std::vector<std::int64_t> residual, std::int64_t count,
                                          const torch::Tensor &similarity);

class VisPrunerSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
