// SPDX-License-Identifier: MIT
#include "train/soft_topk.h"

#include <stdexcept>

namespace tokenscope {

namespace {

constexpr int kBisectionSteps = 64;

// The shift t with Σ σ(x + t) = k: the sum grows monotonically with t.
torch::Tensor bisectShift(const torch::Tensor &x, double k)
{
    auto lo = -x.max() - 10.0;
    auto hi = -x.min() + 10.0;
    for (int i = 0; i < kBisectionSteps; ++i) {
        auto mid = (lo + hi) * 0.5;
        const bool tooMany = torch::sigmoid(x + mid).sum().item<double>() > k;
        (tooMany ? hi : lo) = mid;
    }
    return (lo + hi) * 0.5;
}

class SoftTopK : public torch::autograd::Function<SoftTopK> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &scores, double k)
    {
        const auto x = scores.to(torch::kFloat64);   // the bisection needs the headroom
        auto mask = torch::sigmoid(x + bisectShift(x, k));
        ctx->save_for_backward({mask});
        return mask.to(scores.scalar_type());
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::tensor_list gradients)
    {
        const auto mask = ctx->get_saved_variables()[0];
        const auto g = gradients[0].to(torch::kFloat64);
        const auto v = mask * (1.0 - mask);   // σ'(x + t)
        const auto gv = g * v;
        auto grad = gv - gv.sum() * v / v.sum().clamp_min(1e-300);
        return {grad.to(gradients[0].scalar_type()), torch::Tensor()};
    }
};

} // namespace

torch::Tensor softTopKMask(const torch::Tensor &scores, double k)
{
    if (scores.dim() != 1 || scores.numel() < 2)
        throw std::invalid_argument("softTopKMask: scores must be 1-D with at least 2 entries");
    if (!(k > 0 && k < double(scores.numel())))
        throw std::invalid_argument("softTopKMask: k must be in (0, N)");
    return SoftTopK::apply(scores, k);
}

torch::Tensor hardTopKMask(const torch::Tensor &scores, std::int64_t k)
{
    auto mask = torch::zeros_like(scores);
    if (k <= 0)
        return mask;
    const auto order = std::get<1>(scores.detach().sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
    mask.index_fill_(0, order.slice(0, 0, std::min<std::int64_t>(k, scores.numel())), 1.0);
    return mask;
}

} // namespace tokenscope
