// SPDX-License-Identifier: MIT
#pragma once

// The building blocks shared by the vision encoder, the connectors, the router and the LLM,
// written as plain functions over named parameters (HF checkpoint names), so that the same
// tensors serve inference, autograd training and saving. Private to core: includes LibTorch.

#include "io/model_config.h"

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>

namespace tokenscope::nn {

using ParameterMap = std::map<std::string, torch::Tensor>;

// Looks a parameter up; a missing one is a programming error here because shapes and presence
// were validated against expectedTensors() before any tensor was built.
const torch::Tensor &param(const ParameterMap &params, const std::string &name);
torch::Tensor optionalParam(const ParameterMap &params, const std::string &name);

struct Linear {
    torch::Tensor weight;
    torch::Tensor bias;   // undefined when the layer has none
    torch::Tensor operator()(const torch::Tensor &x) const { return torch::linear(x, weight, bias); }
};
Linear linear(const ParameterMap &params, const std::string &prefix);

struct Norm {
    NormType type = NormType::LayerNorm;
    torch::Tensor weight;
    torch::Tensor bias;
    double eps = 1e-5;
    torch::Tensor operator()(const torch::Tensor &x) const;
};
Norm layerNorm(const ParameterMap &params, const std::string &prefix, double eps = 1e-5);   // nn.LayerNorm default eps
Norm rmsNorm(const ParameterMap &params, const std::string &prefix, double eps);

// RMSNorm as Qwen/InternViT compute it: statistics in fp32, result cast back, then scaled.
torch::Tensor rmsNormForward(const torch::Tensor &x, const torch::Tensor &weight, double eps);

// x·cos + rotate_half(x)·sin with rotate_half(x) = cat(-x2, x1) over the last dimension: the
// half-split (GPT-NeoX) rotary layout of Qwen's LLMs and Qwen2.5-VL's vision tower.
torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

// nn.GELU() / ACT2FN["gelu"]: the exact erf form.
inline torch::Tensor gelu(const torch::Tensor &x) { return torch::gelu(x); }

} // namespace tokenscope::nn
