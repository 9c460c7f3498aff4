// SPDX-License-Identifier: MIT
#include "model/layers.h"

#include <stdexcept>

namespace tokenscope::nn {

const torch::Tensor &param(const ParameterMap &params, const std::string &name)
{
    auto it = params.find(name);
    if (it == params.end())
        throw std::logic_error("parameter not loaded: " + name);
    return it->second;
}

torch::Tensor optionalParam(const ParameterMap &params, const std::string &name)
{
    auto it = params.find(name);
    return it == params.end() ? torch::Tensor() : it->second;
}

Linear linear(const ParameterMap &params, const std::string &prefix)
{
    return {param(params, prefix + ".weight"), optionalParam(params, prefix + ".bias")};
}

Norm layerNorm(const ParameterMap &params, const std::string &prefix, double eps)
{
    return {NormType::LayerNorm, param(params, prefix + ".weight"), optionalParam(params, prefix + ".bias"), eps};
}

Norm rmsNorm(const ParameterMap &params, const std::string &prefix, double eps)
{
    return {NormType::RmsNorm, param(params, prefix + ".weight"), torch::Tensor(), eps};
}

torch::Tensor rmsNormForward(const torch::Tensor &x, const torch::Tensor &weight, double eps)
{
    const auto dtype = x.scalar_type();
    auto x32 = x.to(torch::kFloat32);
    auto variance = x32.pow(2).mean(-1, /*keepdim=*/true);
    return weight * (x32 * torch::rsqrt(variance + eps)).to(dtype);
}

torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    const auto half = x.size(-1) / 2;
    auto rotated = torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

torch::Tensor Norm::operator()(const torch::Tensor &x) const
{
    if (type == NormType::RmsNorm)
        return rmsNormForward(x, weight, eps);
    return torch::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

} // namespace tokenscope::nn
