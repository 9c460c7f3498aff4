// SPDX-License-Identifier: MIT
#pragma once

// The ViR decision rule, free of LibTorch so the GUI and tests can reason about it directly.

#include <vector>

namespace tokenscope {

struct RouterThresholds {
    double relative = 0.0;   // flash_relative_threshold: quantile of p over the request's tiles
    double absolute = 0.5;   // flash_absolute_threshold
};

// torch.quantile(values, q) with its default linear interpolation.
double linearQuantile(std::vector<double> values, double q);

// Released rule (modeling_internvl_chat.py generate_flash; lmdeploy extract_and_compress):
// compress tile i iff p_i > quantile(p, relative) and p_i >= absolute, p_i = P(compress).
std::vector<bool> routerDecisions(const std::vector<double> &compressProbability, const RouterThresholds &thresholds);

// TokenScope's target-budget mode: compress the tiles with the highest p (ties: lower index
// first) until the visual tokens sent are at most `budget` × (tiles × tokensFull).
std::vector<bool> targetBudgetDecisions(const std::vector<double> &compressProbability, double budget, int tokensFull,
                                        int tokensCompressed);

} // namespace tokenscope
