// SPDX-License-Identifier: MIT
#include "train/losses.h"

namespace tokenscope {

torch::Tensor tokenCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets)
{
    auto logProbs = torch::log_softmax(logits.to(torch::kFloat32), -1);
    return -logProbs.gather(1, targets.unsqueeze(1)).squeeze(1);
}

torch::Tensor tokenKlDivergence(const torch::Tensor &referenceLogits, const torch::Tensor &policyLogits)
{
    auto refLog = torch::log_softmax(referenceLogits.detach().to(torch::kFloat32), -1);
    auto policyLog = torch::log_softmax(policyLogits.to(torch::kFloat32), -1);
    return (refLog.exp() * (refLog - policyLog)).sum(-1);
}

torch::Tensor binaryCrossEntropy(const torch::Tensor &probability, const torch::Tensor &target)
{
    constexpr double kEps = 1e-7;
    auto p = probability.clamp(kEps, 1.0 - kEps);
    return -(target * torch::log(p) + (1.0 - target) * torch::log1p(-p));
}

torch::Tensor groupMean(const torch::Tensor &values, const torch::Tensor &group, std::int64_t groups)
{
    auto sums = torch::zeros({groups}, values.options()).index_add(0, group, values);
    auto counts = torch::zeros({groups}, values.options()).index_add(0, group, torch::ones_like(values));
    return sums / counts.clamp_min(1.0);
}

} // namespace tokenscope
