// SPDX-License-Identifier: MIT
#pragma once

// The prefill the inside-LLM method tests (FastV, DART, PyramidDrop) prune: 14 rows of random
// embeddings, rows 3..10 standing for the visual tokens, run through a 4-layer "tiny" model (so
// that cuts leave layers on both sides); and the 3-layer tiny engine for end-to-end runs.

#include "compress/token_selector.h"
#include "fixtures/random_checkpoint.h"
#include "model/internvl_model.h"
#include "pipeline/engine.h"
#include "test_support.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tokenscope::test {

inline constexpr std::int64_t kLength = 14;        // rows in the test prefill
inline constexpr std::int64_t kFirstVisual = 3;    // rows 3..10 are "visual"
inline constexpr std::int64_t kVisual = 8;

inline std::vector<std::int64_t> visualRows()
{
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < kVisual; ++i)
        rows.push_back(kFirstVisual + i);
    return rows;
}

// What a cut should keep of `visualNow` (current rows): those with the `keep` largest `scores`
// (one per row of visualNow, ties to the earlier row), in row order.
inline std::vector<std::int64_t> topRows(const std::vector<std::int64_t> &visualNow, const std::vector<double> &scores,
                                         std::int64_t keep)
{
    std::vector<std::int64_t> rows;
    for (std::int64_t i : topKSorted(torch::tensor(scores), keep))
        rows.push_back(visualNow[std::size_t(i)]);
    return rows;
}

// The rows a cut kept (`keep`) that are among `visualNow`.
inline std::vector<std::int64_t> keptAmong(const std::vector<std::int64_t> &keep,
                                           const std::vector<std::int64_t> &visualNow)
{
    std::vector<std::int64_t> rows;
    for (std::int64_t r : keep)
        if (std::find(visualNow.begin(), visualNow.end(), r) != visualNow.end())
            rows.push_back(r);
    return rows;
}

struct InsideLlmFixture {
    std::filesystem::path dir;
    std::unique_ptr<InternVLModel> model;   // 4 layers
    std::unique_ptr<Engine> engine;         // the tiny shape, 3 layers
    torch::Tensor embeds;                   // [kLength, hidden]

    void load(const std::string &name, std::uint64_t seed)
    {
        at::manual_seed(seed);
        dir = scratchDir(name);
        ModelConfig deep = fixtureShape("tiny");
        deep.llm.numLayers = 4;
        writeRandomCheckpoint(dir / "deep", deep, {});
        model = std::make_unique<InternVLModel>(InternVLModel::load(dir / "deep", {}));
        writeRandomCheckpoint(dir / "tiny", fixtureShape("tiny"), {});
        engine = Engine::load(dir / "tiny", {DeviceKind::Cpu, ComputeDType::Float32, 1});
        embeds = torch::randn({kLength, deep.llm.hiddenSize});
    }
};

} // namespace tokenscope::test
