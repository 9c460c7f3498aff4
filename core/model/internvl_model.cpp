// SPDX-License-Identifier: MIT
#include "model/internvl_model.h"

#include "common/error.h"
#include "io/internvl_hf_layout.h"
#include "io/safetensors.h"
#include "io/tensor_shape.h"
#include "model/pixel_shuffle.h"
#include "model/tensor_loading.h"

namespace tokenscope {

namespace {

// A checkpoint in transformers' layout under the chat names: each tensor by its transformers name
// (either prefix style), InternViT's qkv concatenated from q, k, v (rows in that order, as
// convert_internvl_weights_to_hf.py split them). Names and shapes are checked before any load.
nn::ParameterMap loadTransformersLayout(const WeightStore &weights, const std::vector<ExpectedTensor> &expected,
                                        const ComputeTarget &target)
{
    const HfPrefix prefix =
        weights.contains("model.vision_tower.embeddings.cls_token") ? HfPrefix::Model : HfPrefix::Bare;
    const std::string source = weights.source().string();
    auto view = [&](const std::string &name, std::vector<std::int64_t> shape) -> const TensorView & {
        if (!weights.contains(name))
            throw Error(source, "missing tensor '" + name + "' (expected shape " + formatShape(shape) +
                                    " from config.json, transformers' InternVL layout)");
        const TensorView &v = weights.at(name);
        if (v.shape != shape)
            throw Error(v.file, "tensor '" + name + "' has shape " + formatShape(v.shape) +
                                    " but config.json implies " + formatShape(shape));
        return v;
    };
    nn::ParameterMap params;
    for (const ExpectedTensor &t : expected) {
        if (const auto qkv = internVLHfQkvNames(t.name, prefix); !qkv[0].empty()) {
            std::vector<std::int64_t> part = t.shape;
            part[0] /= 3;
            std::vector<torch::Tensor> pieces;
            for (const std::string &name : qkv)
                pieces.push_back(loadTensor(view(name, part), target));
            params.emplace(t.name, torch::cat(pieces, 0));
            continue;
        }
        const std::string name = internVLHfName(t.name, prefix);
        if (name.empty())
            throw Error(source, "has transformers' InternVL layout, which has no '" + t.name + "' (no Flash parts)");
        if (!t.required && !weights.contains(name))
            continue;
        params.emplace(t.name, loadTensor(view(name, t.shape), target));
    }
    return params;
}

}   // namespace

InternVLModel InternVLModel::load(const std::filesystem::path &dir, const ComputeTarget &target)
{
    bool transformersLayout = false;
    ModelConfig config = parseAnyInternVLConfig(dir / "config.json", transformersLayout);
    const WeightStore weights = WeightStore::openDirectory(dir);
    nn::ParameterMap params = transformersLayout ? loadTransformersLayout(weights, expectedTensors(config), target)
                                                 : loadParameters(weights, expectedTensors(config), target);
    return InternVLModel(std::move(config), std::move(params), target);
}

InternVLModel::InternVLModel(ModelConfig config, nn::ParameterMap params, const ComputeTarget &target)
    : m_config(std::move(config))
    , m_target(target)
    , m_params(std::move(params))
    , m_vision(m_config.vision, m_params)
    , m_language(m_config.llm, m_params)
    , m_full(Connector::full(m_params))
{
    if (m_config.flash) {
        m_compressed = Connector::compressed(m_params);
        m_router.emplace(m_params, m_config.vision.hiddenSize);
    }
}

std::int64_t InternVLModel::parameterCount() const
{
    std::int64_t total = 0;
    for (const auto &[name, tensor] : m_params)
        total += tensor.numel();
    return total;
}

const Connector &InternVLModel::connector(TileRatio ratio) const
{
    if (ratio == TileRatio::Quarter)
        return m_full;
    if (!m_compressed)
        throw Error(m_config.source, "this model has no 1/16 connector (mlp2): it is not an InternVL-Flash model");
    return *m_compressed;
}

torch::Tensor InternVLModel::project(const torch::Tensor &patchTokens, TileRatio ratio) const
{
    const auto n = patchTokens.size(0), c = patchTokens.size(2);
    const auto g = static_cast<std::int64_t>(m_config.vision.patchesPerSide());
    const double s = m_config.downsampleRatio;
    auto grid = patchTokens.reshape({n, g, g, c});
    return connector(ratio).forward(pixelShuffleV2(grid, ratio == TileRatio::Quarter ? s : s * s));
}

std::vector<torch::Tensor> InternVLModel::projectTiles(const torch::Tensor &patchTokens,
                                                       const std::vector<TileRatio> &ratios) const
{
    std::vector<torch::Tensor> out(ratios.size());
    for (TileRatio ratio : {TileRatio::Quarter, TileRatio::Sixteenth}) {
        std::vector<std::int64_t> members;
        for (std::size_t i = 0; i < ratios.size(); ++i)
            if (ratios[i] == ratio)
                members.push_back(static_cast<std::int64_t>(i));
        if (members.empty())
            continue;
        auto index = torch::tensor(members, torch::TensorOptions().dtype(torch::kInt64)).to(patchTokens.device());
        auto projected = project(patchTokens.index_select(0, index), ratio);
        for (std::size_t k = 0; k < members.size(); ++k)
            out[std::size_t(members[k])] = projected[static_cast<std::int64_t>(k)];
    }
    return out;
}

} // namespace tokenscope
