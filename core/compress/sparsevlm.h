// SPDX-License-Identifier: MIT
#pragma once

// SparseVLM (arXiv 2410.04417, ICML 2025), version 1.0 as its public code runs it
// (Gumpest/SparseVLMs@26a5f48, llava/model/language_model/modelling_sparse_llama.py, score.py,
// utils.py): text raters chosen from the LLM's input, visual rows ranked at three layers by the
// raters' attention, a fixed count kept per layer, the dropped rows recycled into cluster centres.
// Private to core: includes LibTorch.

#include "compress/inside_llm.h"
#include "model/language_model.h"

#include <cstdint>
#include <vector>

namespace tokenscope {

// The raters (LlamaDynamicvitModel.forward, "Select Text Raters"): with V the visual rows and T
// every row after the last visual one, m = mean over V of softmax over T of V·Tᵀ (raw dot
// products of the input embeddings); the raters are the text rows whose m exceeds mean(m).
// embeds [L, D]; returns prefill row indices, ascending.
std::vector<std::int64_t> sparseVlmRaters(const torch::Tensor &embeds, const std::vector<std::int64_t> &visualRows);

// The DPC-KNN merge the dropped rows go through (utils.py cluster_and_merge): distances
// |x_i - x_j| / sqrt(C); density exp(-mean of the squared distances to the `clusters` nearest,
// self included); delta = distance to the nearest denser row (the largest distance for the
// densest); the `clusters` rows with the largest delta·density are the centres (in that order);
// every row joins its nearest centre, a centre its own cluster; each centre's row is the mean of
// its members (sum / (count + 1e-6)). The reference breaks density ties with 1e-6 random noise;
// here the lower index is denser. x [N, C] -> [clusters, C].
torch::Tensor sparseVlmMerge(const torch::Tensor &x, std::int64_t clusters);

// How many centres `dropped` rows make (modelling_sparse_llama.py): the 30% of them (+1) the
// raters attend to most, in clusters of about ten.
std::int64_t sparseVlmRecycled(std::int64_t dropped);      // int(0.3 * dropped) + 1
std::int64_t sparseVlmClusters(std::int64_t recycled);     // int(recycled / 10) + 1

// Where the cuts go and how many visual rows each keeps. The reference ranks at layers 2, 6, 15
// of LLaMA's 32 (the row count after each is what layer+1 on sees: our LayerPruning::layer is
// that layer+1) and keeps a fixed count per retained-token setting of LLaVA's 576 (score.py:
// 192 -> 300/200/110, 128 -> 303/110/36, 96 -> 238/48/26, 64 -> 66/30/17). TokenScope's choices,
// which only matter away from LLaVA's shape: the layers scale to the LLM's depth (round(l * L /
// 32); a cut that lands on a layer already used or past the last one is merged into the one
// before), and budget b takes the setting whose share R/576 is nearest to b (in ratio) with each
// count scaled by b·N/R (so b = 192/576 of 576 tokens keeps exactly 300/200/110).
struct SparseVlmSchedule {
    std::vector<int> layers;            // LayerPruning::layer of each cut (ascending)
    std::vector<std::int64_t> keep;     // visual rows each cut keeps (before the cap N_now - 1)
    std::vector<std::int64_t> rowsFrom; // visual rows from each cut's layer on, centres included
    int retained = 192;                 // the reference setting the counts come from
    double meanShare = 0;               // visual rows per layer, averaged over all layers, / N
};
SparseVlmSchedule sparseVlmSchedule(int llmLayers, double budget, std::int64_t visualTokens);

// The steps of a SparseVLM prefill over `visualRows` (contiguous, text after them); records into
// `out` which original tokens reach the last layer and, as each token's score, the share of
// layers that saw it.
std::vector<LayerPruning> sparseVlmSteps(const SparseVlmSchedule &schedule, int llmLayers,
                                         std::vector<std::int64_t> visualRows, InsideLlmSelection &out);

} // namespace tokenscope
