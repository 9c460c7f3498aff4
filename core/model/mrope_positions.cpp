// SPDX-License-Identifier: MIT
#include "model/mrope_positions.h"

#include "common/error.h"

#include <algorithm>

namespace tokenscope {

MropePositions multimodalPositions(const std::vector<std::int64_t> &inputIds, const std::vector<QwenPatchGrid> &images,
                                   std::int64_t imageTokenId, int mergeSize)
{
    const auto length = static_cast<std::int64_t>(inputIds.size());
    auto ids = torch::empty({3, length}, torch::kLong);
    std::int64_t *t = ids.data_ptr<std::int64_t>(), *h = t + length, *w = h + length;
    std::int64_t next = 0;   // the next text position
    std::size_t image = 0;
    for (std::int64_t i = 0; i < length;) {
        if (inputIds[std::size_t(i)] != imageTokenId) {
            t[i] = h[i] = w[i] = next++;
            ++i;
            continue;
        }
        if (image == images.size())
            throw Error("prompt", "has more image-token runs than images (" + std::to_string(images.size()) + ")");
        const QwenPatchGrid &grid = images[image++];
        if (grid.t != 1)
            throw Error("prompt", "image " + std::to_string(image) + " has " + std::to_string(grid.t) +
                                      " frames; only still images (one temporal patch) are supported");
        const std::int64_t rows = grid.h / mergeSize, cols = grid.w / mergeSize, tokens = rows * cols;
        std::int64_t run = 0;
        while (i + run < length && inputIds[std::size_t(i + run)] == imageTokenId)
            ++run;
        if (run != tokens)
            throw Error("prompt", "image " + std::to_string(image) + " has " + std::to_string(run) +
                                      " image tokens; its grid needs " + std::to_string(tokens));
        // get_rope_index: a still image's temporal index is 0 (second_per_grid_t = 0); h and w
        // count merged rows and columns in raster order.
        for (std::int64_t k = 0; k < tokens; ++k, ++i) {
            t[i] = next;
            h[i] = next + k / cols;
            w[i] = next + k % cols;
        }
        next += std::max(rows, cols);   // the block's largest id plus one
    }
    if (image != images.size())
        throw Error("prompt", "has " + std::to_string(image) + " image-token runs for " +
                                  std::to_string(images.size()) + " images");
    return {ids, next};
}

}   // namespace tokenscope
