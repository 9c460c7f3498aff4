// SPDX-License-Identifier: MIT
#pragma once

// PruMerge+ (LLaVA-PruMerge, Shang et al., arXiv 2403.15388) on InternVL tokens; follows
// 42Shawn/LLaVA-PruMerge llava/model/multimodal_encoder/clip_encoder.py
// (token_prune_merge_advanced_plus). Private to core: includes LibTorch.
//
// InternVL adaptations (compress/patch_pooling.h for the per-token signals):
// - The score is the CLS row of one full-width softmax(q·kᵀ·C^-0.5) in the encoder's last layer,
//   per tile (the reference hooks q_proj/k_proj of CLIP's last layer, the one that reads the
//   features LLaVA uses; InternVL uses the last layer's output, so its own last layer stands in).
// - Keys for the clusters are that layer's keys over the full width, summed over a token's patches.
// - Merging acts on the connector outputs (the reference merges CLIP features before the projector).
// - The budget is fixed, k = max(1, ⌊b·N⌋), instead of the adaptive IQR ratio, so methods compare at
//   equal counts; the IQR outliers are taken over all tiles' tokens, since k is global.

#include "compress/token_selector.h"

#include <vector>

namespace tokenscope {

// The tokens whose score is an IQR outlier, score > Q3 + 1.5·(Q3 − Q1), sorted by index.
// Quartiles interpolate linearly between order statistics (numpy.percentile's default, which
// PruMerge's outlier_dectection uses).
std::vector<std::int64_t> iqrOutliers(const torch::Tensor &scores);

// Keep set: the IQR outliers of the token score (the highest ones if there are more than fit),
// topped up with a regular stride over the remaining tokens (PruMerge+'s spatially uniform
// samples), k − 1 tokens in all. Each kept token becomes x_i + Σ a_j·x_j over its 32 most
// key-similar other tokens, and the k-th slot is the appended token Σ_dropped a_j·x_j.
class PruMergePlusSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
