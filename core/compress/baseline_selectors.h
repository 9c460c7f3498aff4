// SPDX-License-Identifier: MIT
#pragma once

// The floor every method must beat: random (seeded) and uniform stride.
// Private to core: includes LibTorch.

#include "compress/token_selector.h"

namespace tokenscope {

// k tokens drawn uniformly without replacement with a seeded generator (the seed parameter,
// mixed with the request seed), so the same input and seed give the same plan.
class RandomSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

// k tokens at evenly spaced positions i·N/k (rounded down) over the visual sequence: tiles in
// order, raster order inside a tile, so every tile keeps a spatially even share.
class UniformSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
