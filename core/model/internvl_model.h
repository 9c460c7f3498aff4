// SPDX-License-Identifier: MIT
#pragma once

// An InternVL / InternVL-Flash checkpoint in memory: encoder, connectors, router, LLM, sharing
// one ParameterMap in HF names. Private to core: includes LibTorch.

#include "io/model_config.h"
#include "model/connector.h"
#include "model/language_model.h"
#include "model/router.h"
#include "model/torch_runtime.h"
#include "model/vision_encoder.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace tokenscope {

class InternVLModel {
public:
    // Reads `dir/config.json` and the weights (single or sharded), validating every tensor's name
    // and shape against the config before building any tensor.
    static InternVLModel load(const std::filesystem::path &dir, const ComputeTarget &target);
    InternVLModel(ModelConfig config, nn::ParameterMap params, const ComputeTarget &target);

    const ModelConfig &config() const { return m_config; }
    const ComputeTarget &target() const { return m_target; }
    const nn::ParameterMap &parameters() const { return m_params; }
    std::int64_t parameterCount() const;

    const VisionEncoder &vision() const { return m_vision; }
    const LanguageModel &language() const { return m_language; }
    const Connector &connector(TileRatio ratio) const;
    const VisualResolutionRouter *router() const { return m_router ? &*m_router : nullptr; }

    // Patch tokens [n, P, C] -> grid [n, g, g, C] -> pixel shuffle -> connector -> [n, tokens, D].
    torch::Tensor project(const torch::Tensor &patchTokens, TileRatio ratio) const;

    // Each tile of `patchTokens` [n, P, C] through the connector its ratio names, running only the
    // connectors some tile needs (the released code runs both for every tile): n blocks [tokens, D].
    std::vector<torch::Tensor> projectTiles(const torch::Tensor &patchTokens, const std::vector<TileRatio> &ratios) const;

private:
    ModelConfig m_config;
    ComputeTarget m_target;
    nn::ParameterMap m_params;
    VisionEncoder m_vision;
    LanguageModel m_language;
    Connector m_full;
    std::optional<Connector> m_compressed;
    std::optional<VisualResolutionRouter> m_router;
};

} // namespace tokenscope
