// SPDX-License-Identifier: MIT
#pragma once

// Qwen2.5-VL's 3-D rotary positions (M-RoPE) for a prompt with images, as
// Qwen2_5_VLModel.get_rope_index computes them: text tokens count on all three axes; an image's
// tokens sit at (p, p + row, p + column) over its merged grid, p being the next text position;
// the text after an image resumes at p + max(rows, columns). Private to core: includes LibTorch.

#include "model/qwen_pixels.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace tokenscope {

struct MropePositions {
    torch::Tensor ids;       // [3, L] int64: (t, h, w) per prompt token
    std::int64_t next = 0;   // where decoding resumes: the largest id plus one
};

// `inputIds` holds each image as one run of `imageTokenId`, as many as its grid's merged tokens
// (h/m · w/m; still images only), in the order of `images`. Throws Error when the runs and the grids disagree.
MropePositions multimodalPositions(const std::vector<std::int64_t> &inputIds, const std::vector<QwenPatchGrid> &images,
                                   std::int64_t imageTokenId, int mergeSize);

}   // namespace tokenscope
