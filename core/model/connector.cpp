// SPDX-License-Identifier: MIT
#include "model/connector.h"

namespace tokenscope {

Connector Connector::full(const nn::ParameterMap &params)
{
    Connector c;
    c.m_norm = nn::layerNorm(params, "mlp1.0");
    c.m_linears = {nn::linear(params, "mlp1.1"), nn::linear(params, "mlp1.3")};
    return c;
}

Connector Connector::compressed(const nn::ParameterMap &params)
{
    Connector c;
    c.m_norm = nn::layerNorm(params, "mlp2.0");
    c.m_linears = {nn::linear(params, "mlp2.1"), nn::linear(params, "mlp2.4"), nn::linear(params, "mlp2.7")};
    return c;
}

torch::Tensor Connector::forward(const torch::Tensor &shuffled) const
{
    auto x = m_norm(shuffled);
    for (std::size_t i = 0; i < m_linears.size(); ++i) {
        x = m_linears[i](x);
        if (i + 1 < m_linears.size())
            x = nn::gelu(x);   // Dropout slots are identity at inference
    }
    return x;
}

} // namespace tokenscope
