// SPDX-License-Identifier: MIT
#include "compress/token_selector.h"

#include "compress/baseline_selectors.h"
#include "compress/cdpruner.h"
#include "compress/prumerge.h"
#include "compress/visionzip.h"
#include "compress/divprune.h"
#include "compress/vision_selector.h"
#include "compress/vispruner.h"

namespace tokenscope {

// One case per token-selection method of the catalogue (method_catalog.cpp);
// tst_compression_methods runs every catalogue method, so a missing case fails there.
std::unique_ptr<TokenSelector> makeTokenSelector(const std::string &name)
{
    if (name == "random")
        return std::make_unique<RandomSelector>();
    if (name == "uniform")
        return std::make_unique<UniformSelector>();
    if (name == "visionzip")
        return std::make_unique<VisionZipSelector>();
    if (name == "prumerge+")
        return std::make_unique<PruMergePlusSelector>();
    if (name == "visionselector")
        return std::make_unique<VisionSelector>();
    if (name == "divprune")
        return std::make_unique<DivPruneSelector>();
    if (name == "vispruner")
        return std::make_unique<VisPrunerSelector>();
    if (name == "cdpruner")
        return std::make_unique<CdPrunerSelector>();
    return nullptr;
}

std::vector<std::int64_t> topKSorted(const torch::Tensor &scores, std::int64_t keep)
{
    // A stable descending sort makes ties go to the lower index, so plans are deterministic.
    const auto order = std::get<1>(scores.to(torch::kFloat32).cpu().sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
    auto kept = std::get<0>(order.slice(0, 0, keep).sort()).contiguous();
    return {kept.data_ptr<std::int64_t>(), kept.data_ptr<std::int64_t>() + kept.numel()};
}

TokenSelection selectionFromScores(const torch::Tensor &scores, std::int64_t keep, PositionPolicy positions)
{
    TokenSelection selection;
    selection.kept = topKSorted(scores, keep);
    auto s = scores.to(torch::kFloat32).cpu().contiguous();
    selection.scores.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
    selection.positions = positions;
    return selection;
}

} // namespace tokenscope
