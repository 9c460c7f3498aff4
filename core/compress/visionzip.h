// SPDX-License-Identifier: MIT
#pragma once

// VisionZip (Yang et al., arXiv 2412.04467, CVPR 2025) on InternVL tokens; follows
// dvlab-research/VisionZip visionzip/clip_encoder.py (CLIPVisionTower_VisionZip.forward).
// Private to core: includes LibTorch.
//
// Of k slots, k − c hold the "dominant" tokens (highest token CLS attention, compress/patch_pooling.h)
// and c = round(k·contextual_fraction) (at most k − 1) hold "contextual" tokens: c targets evenly
// spaced over the remaining tokens (stride ⌊R/c⌋, first c), every other remaining token joins the
// target whose key (last layer, mean over heads, summed over the token's patches) is most
// cosine-similar, and the contextual token is target + mean(members).
// InternVL adaptations: the ranking and keys come from the last encoder layer (InternVL uses its
// output; LLaVA's VisionZip reads layer −2, the one whose output LLaVA uses); tokens are merged
// after the connector, on the rows the LLM receives (the reference merges CLIP features before
// the projector, which InternVL's pixel shuffle + MLP cannot take apart); the split is global over
// all tiles (the reference gives each AnyRes crop its own quota); contextual tokens sit at their
// target's raster slot, as in VisionSelector's Qwen port (LLaVA's appends them after the dominant).

#include "compress/patch_pooling.h"
#include "compress/token_selector.h"

namespace tokenscope {

class VisionZipSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
