// SPDX-License-Identifier: MIT
#pragma once

namespace tokenscope {

// Which connector a tile goes through: 1/4 of its patch tokens (mlp1, 256 per 448-px tile) or
// 1/16 (mlp2, 64 per tile; InternVL3.5-Flash only).
enum class TileRatio { Quarter, Sixteenth };

inline const char *tileRatioName(TileRatio ratio) { return ratio == TileRatio::Quarter ? "1/4" : "1/16"; }

} // namespace tokenscope
