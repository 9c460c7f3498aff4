// SPDX-License-Identifier: MIT
#pragma once

// An LLM layer's attention probabilities computed with loops in double precision, straight from
// the checkpoint's tensors: the independent reference for methods that rank visual rows by
// attention inside the LLM (FastV, PyramidDrop, SparseVLM). Rows sit at rotary positions 0 .. L-1.

#include "model/internvl_model.h"
#include "model/layers.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tokenscope::test {

// Attention received per row in layer `index`, from the hidden states entering it, with loops:
// RMSNorm, projections, Qwen3 q/k norm, rotary by hand, causal softmax, mean over heads and the
// query rows `from` (SparseVLM's raters).
inline std::vector<double> naiveReceivedFrom(const InternVLModel &model, int index, const torch::Tensor &x,
                                             const std::vector<std::int64_t> &from)
{
    const LlmConfig &c = model.config().llm;
    const std::int64_t length = x.size(0);
    const auto &params = model.parameters();
    const std::string p = "language_model.model.layers." + std::to_string(index) + ".";
    const auto xn = nn::rmsNorm(params, p + "input_layernorm", c.rmsNormEps)(x);
    const int heads = c.numHeads, kvHeads = c.numKvHeads, d = c.headDim;
    auto q = nn::linear(params, p + "self_attn.q_proj")(xn).view({length, heads, d});
    auto k = nn::linear(params, p + "self_attn.k_proj")(xn).view({length, kvHeads, d});
    if (c.arch == LlmArch::Qwen3) {
        q = nn::rmsNorm(params, p + "self_attn.q_norm", c.rmsNormEps)(q);
        k = nn::rmsNorm(params, p + "self_attn.k_norm", c.rmsNormEps)(k);
    }
    auto qa = q.to(torch::kFloat64).contiguous(), ka = k.to(torch::kFloat64).contiguous();
    auto Q = qa.accessor<double, 3>(), K = ka.accessor<double, 3>();
    auto rotate = [&](auto &t, std::int64_t row, int head, std::vector<double> &out) {
        out.assign(std::size_t(d), 0);
        for (int i = 0; i < d / 2; ++i) {
            const double angle = double(row) * std::pow(c.ropeTheta, -2.0 * i / d);
            const double a = t[row][head][i], b = t[row][head][i + d / 2];
            out[std::size_t(i)] = a * std::cos(angle) - b * std::sin(angle);
            out[std::size_t(i + d / 2)] = b * std::cos(angle) + a * std::sin(angle);
        }
    };
    std::vector<double> received(std::size_t(length), 0), qi, kj;
    for (int h = 0; h < heads; ++h) {
        const int kvHead = h / (heads / kvHeads);
        for (std::int64_t i : from) {
            rotate(Q, i, h, qi);
            std::vector<double> scores;
            for (std::int64_t j = 0; j <= i; ++j) {
                rotate(K, j, kvHead, kj);
                double s = 0;
                for (int e = 0; e < d; ++e)
                    s += qi[std::size_t(e)] * kj[std::size_t(e)];
                scores.push_back(s / std::sqrt(double(d)));
            }
            const double top = *std::max_element(scores.begin(), scores.end());
            double sum = 0;
            for (double &s : scores)
                sum += (s = std::exp(s - top));
            for (std::int64_t j = 0; j <= i; ++j)
                received[std::size_t(j)] += scores[std::size_t(j)] / sum / double(heads * std::int64_t(from.size()));
        }
    }
    return received;
}

// The same over every query row, or from the last row only (the official FastV ranking).
inline std::vector<double> naiveReceived(const InternVLModel &model, int index, const torch::Tensor &x, bool lastRowOnly)
{
    std::vector<std::int64_t> from;
    for (std::int64_t i = lastRowOnly ? x.size(0) - 1 : 0; i < x.size(0); ++i)
        from.push_back(i);
    return naiveReceivedFrom(model, index, x, from);
}

} // namespace tokenscope::test
