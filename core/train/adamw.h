// SPDX-License-Identifier: MIT
#pragma once

// AdamW (Loshchilov & Hutter; PyTorch's torch.optim.AdamW update order) over named parameters,
// with its moments exposed by name so a checkpoint can save them and a resumed run continue
// bit for bit. Private to core: includes LibTorch.

#include "model/layers.h"

#include <string>
#include <vector>

namespace tokenscope {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.01;   // decoupled, on matrices only (not on norms or biases)
};

class AdamW {
public:
    // `names` are the trainable entries of `params` (which must outlive the optimiser).
    AdamW(nn::ParameterMap &params, std::vector<std::string> names, AdamWOptions options);

    // Multiplies the rate of every parameter whose name starts with `prefix` (0 freezes them).
    void scaleLearningRate(const std::string &prefix, double scale);

    // Clips the global gradient norm of the parameters that step (rate scale > 0) to `maxNorm`
    // (≤ 0: no clipping) and returns the norm before.
    double clipGradients(double maxNorm);
    void step(double learningRate);
    void zeroGradients();

    std::int64_t stepCount() const { return m_step; }
    const std::vector<std::string> &names() const { return m_names; }
    // "exp_avg.<name>" and "exp_avg_sq.<name>" for every trainable parameter.
    nn::ParameterMap state() const;
    // Restores moments and the step count; a missing or mis-shaped moment throws Error naming `source`.
    void restore(const nn::ParameterMap &state, std::int64_t step, const std::string &source);

private:
    nn::ParameterMap &m_params;
    std::vector<std::string> m_names;
    AdamWOptions m_options;
    std::vector<torch::Tensor> m_expAvg, m_expAvgSq;
    std::vector<double> m_rateScale;
    std::int64_t m_step = 0;
};

} // namespace tokenscope
