// SPDX-License-Identifier: MIT
#pragma once

// InternVL pixel shuffle, ps_version v2 (modeling_internvl_chat.py `pixel_shuffle`):
// (n, w, h, c) -> view (n, w, h·s, c/s) -> permute(0,2,1,3) -> view (n, h·s, w·s, c/s²)
// -> permute(0,2,1,3). Output token (y, x) folds patches [y/s, y/s + 1/s) × [x/s, x/s + 1/s).
// Private to core: includes LibTorch.

#include <torch/torch.h>

namespace tokenscope {

// features [n, g, g, c] (row-major patch grid) -> [n, (g·s)², c/s²] in raster order.
torch::Tensor pixelShuffleV2(const torch::Tensor &features, double scale);

} // namespace tokenscope
