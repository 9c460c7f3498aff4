// SPDX-License-Identifier: MIT
#pragma once

// PruMerge+ (LLaVA-PruMerge, Shang et al., arXiv 2403.15388) on InternVL tokens, with the
// adaptation described in compress/visionzip.h: token CLS attention = sum over the token's f×f
// patches; merge similarity = cosine on the connector outputs. Private to core: includes LibTorch.

#include "compress/token_selector.h"

#include <vector>

namespace tokenscope {

// The tokens whose score is an IQR outlier, score > Q3 + 1.5·(Q3 − Q1), sorted by index.
// Quartiles interpolate linearly between order statistics (numpy.percentile's default, which
// PruMerge's outlier_dectection uses).
std::vector<std::int64_t> iqrOutliers(const torch::Tensor &scores);

// Keep set: the IQR outliers of token CLS attention (the k highest if there are more than k),
// topped up to k with a regular stride over the remaining tokens (PruMerge+'s spatially uniform
// samples). Every dropped token then joins its most cosine-similar kept token, and each kept token
// becomes the CLS-attention-weighted mean of itself and its joiners. PruMerge chooses its budget
// adaptively; TokenScope keeps k = max(1, ⌊b·N⌋) so methods compare at equal token counts.
class PruMergePlusSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
