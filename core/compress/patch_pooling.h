// SPDX-License-Identifier: MIT
#pragma once

// From per-patch encoder signals to per-token ones. VisionZip and PruMerge+ rank and match LLaVA
// tokens, where one CLIP patch is one LLM token; an InternVL token folds f×f patches (f = 2 at
// 1/4, 4 at 1/16), so a token's signal is the SUM over its patches: the attention mass it carries
// (comparable across tiles of different ratios: a 1/16 token carries 16 patches' worth), and a
// key whose direction is its patches' mean. Private to core: includes LibTorch.

#include "compress/token_selector.h"

namespace tokenscope {

// [tiles, P, E] per patch -> [N, E] per token in plan order: token (x, y) of a tile with a g×g
// patch grid and an s×s token grid sums patches [y·f, y·f+f) × [x·f, x·f+f), f = g / s
// (model/pixel_shuffle.h). fp32 on the CPU.
torch::Tensor sumOverTokenPatches(const torch::Tensor &perPatch, const CompressionPlan &plan);

// [N] the last layer's CLS attention (mean over heads) summed over each token's patches.
torch::Tensor tokenClsAttention(const SelectionInput &input);
// [N] the same from the full-width single-head softmax (PruMerge+'s score).
torch::Tensor tokenClsAttentionFullWidth(const SelectionInput &input);
// [N, d] the last layer's keys averaged over heads (VisionZip's `metric`: raw key states .mean(1)),
// summed over each token's patches.
torch::Tensor tokenKeysHeadMean(const SelectionInput &input);
// [N, C] the last layer's keys over the full width (PruMerge+'s k_proj output), summed likewise.
torch::Tensor tokenKeysFullWidth(const SelectionInput &input);
// [N, C] the encoder's output features (what the connectors read), summed likewise: a token's
// feature before the projector, comparable between 1/4 and 1/16 tiles (VisPruner's similarity).
torch::Tensor tokenFeatures(const SelectionInput &input);

} // namespace tokenscope
