// SPDX-License-Identifier: MIT
#include "train/adamw.h"

#include "common/error.h"

#include <cmath>

namespace tokenscope {

AdamW::AdamW(nn::ParameterMap &params, std::vector<std::string> names, AdamWOptions options)
    : m_params(params)
    , m_names(std::move(names))
    , m_options(options)
{
    for (const std::string &name : m_names) {
        const torch::Tensor &p = nn::param(m_params, name);
        m_expAvg.push_back(torch::zeros_like(p));
        m_expAvgSq.push_back(torch::zeros_like(p));
        m_rateScale.push_back(1.0);
    }
}

void AdamW::scaleLearningRate(const std::string &prefix, double scale)
{
    for (std::size_t i = 0; i < m_names.size(); ++i)
        if (m_names[i].rfind(prefix, 0) == 0)
            m_rateScale[i] = scale;
}

double AdamW::clipGradients(double maxNorm)
{
    torch::NoGradGuard noGrad;
    // Frozen parameters (rate scale 0) take no step, so their gradients do not shrink the others'.
    double squared = 0;
    for (std::size_t i = 0; i < m_names.size(); ++i)
        if (const auto &g = nn::param(m_params, m_names[i]).grad(); g.defined() && m_rateScale[i] != 0)
            squared += g.pow(2).sum().item<double>();
    const double norm = std::sqrt(squared);
    if (maxNorm > 0 && norm > maxNorm) {
        const double scale = maxNorm / (norm + 1e-6);
        for (const std::string &name : m_names)
            if (auto g = nn::param(m_params, name).grad(); g.defined())
                g.mul_(scale);
    }
    return norm;
}

void AdamW::step(double learningRate)
{
    torch::NoGradGuard noGrad;
    ++m_step;
    const double correction1 = 1.0 - std::pow(m_options.beta1, double(m_step));
    const double correction2 = 1.0 - std::pow(m_options.beta2, double(m_step));
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        torch::Tensor p = nn::param(m_params, m_names[i]);
        const torch::Tensor g = p.grad();
        const double rate = learningRate * m_rateScale[i];
        if (!g.defined() || rate == 0)
            continue;
        if (p.dim() >= 2)   // decoupled decay, matrices only
            p.mul_(1.0 - rate * m_options.weightDecay);
        m_expAvg[i].mul_(m_options.beta1).add_(g, 1.0 - m_options.beta1);
        m_expAvgSq[i].mul_(m_options.beta2).addcmul_(g, g, 1.0 - m_options.beta2);
        auto denominator = (m_expAvgSq[i] / correction2).sqrt_().add_(m_options.eps);
        p.addcdiv_(m_expAvg[i], denominator, -rate / correction1);
    }
}

void AdamW::zeroGradients()
{
    for (const std::string &name : m_names)
        if (auto g = nn::param(m_params, name).mutable_grad(); g.defined())
            g.zero_();
}

nn::ParameterMap AdamW::state() const
{
    nn::ParameterMap state;
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        state.emplace("exp_avg." + m_names[i], m_expAvg[i]);
        state.emplace("exp_avg_sq." + m_names[i], m_expAvgSq[i]);
    }
    return state;
}

void AdamW::restore(const nn::ParameterMap &state, std::int64_t step, const std::string &source)
{
    auto take = [&](const std::string &key, torch::Tensor &into) {
        auto it = state.find(key);
        if (it == state.end())
            throw Error(source, "has no optimiser moment '" + key + "'");
        if (it->second.sizes() != into.sizes())
            throw Error(source, "optimiser moment '" + key + "' has the wrong shape");
        into.copy_(it->second);
    };
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        take("exp_avg." + m_names[i], m_expAvg[i]);
        take("exp_avg_sq." + m_names[i], m_expAvgSq[i]);
    }
    m_step = step;
}

} // namespace tokenscope
