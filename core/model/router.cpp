// SPDX-License-Identifier: MIT
#include "model/router.h"

#include "model/torch_compat.h"

#include <cmath>

namespace tokenscope {

VisualResolutionRouter::VisualResolutionRouter(const nn::ParameterMap &params, int width)
    : m_width(width)
{
    const std::string p = "pooling_before_gating.";
    m_query = nn::param(params, p + "query_token");
    auto block = [&](int k) {
        const std::string a = p + "attn" + std::to_string(k) + ".";
        return PoolingBlock{nn::param(params, a + "in_proj_weight"), nn::param(params, a + "in_proj_bias"),
                            nn::linear(params, a + "out_proj"), nn::layerNorm(params, p + "norm" + std::to_string(k))};
    };
    m_block1 = block(1);
    m_block2 = block(2);
    for (int k = 0; k < 4; ++k) {
        const std::string b = "gating.block" + std::to_string(k + 1) + ".";
        m_gateBlocks[k] = {nn::linear(params, b + "0"), nn::linear(params, b + "3"), nn::layerNorm(params, b + "5")};
    }
    m_gateNorm = nn::layerNorm(params, "gating.gate.0");
    m_gate = nn::linear(params, "gating.gate.1");
}

// nn.MultiheadAttention(batch_first) with one query per tile; no padding since every tile has
// the same token count (lmdeploy pads to the longest tile, which is the same length here).
torch::Tensor VisualResolutionRouter::attend(const PoolingBlock &block, const torch::Tensor &query,
                                             const torch::Tensor &tokens) const
{
    const std::int64_t n = tokens.size(0), t = tokens.size(1), c = m_width;
    const auto headDim = c / kPoolingHeads;
    auto w = block.inProjWeight.chunk(3, 0);
    auto b = block.inProjBias.chunk(3, 0);
    auto q = torch::linear(query, w[0], b[0]).view({n, 1, kPoolingHeads, headDim}).transpose(1, 2);
    auto k = torch::linear(tokens, w[1], b[1]).view({n, t, kPoolingHeads, headDim}).transpose(1, 2);
    auto v = torch::linear(tokens, w[2], b[2]).view({n, t, kPoolingHeads, headDim}).transpose(1, 2);
    auto out = compat::scaledDotProductAttention(q, k, v, std::nullopt, 1.0 / std::sqrt(double(headDim)));
    return block.outProj(out.transpose(1, 2).reshape({n, 1, c}));
}

torch::Tensor VisualResolutionRouter::pool(const torch::Tensor &patchTokens) const
{
    const auto n = patchTokens.size(0);
    auto x = m_block1.norm(attend(m_block1, m_query.unsqueeze(0).expand({n, 1, m_width}), patchTokens));
    // Released checkpoints (modeling_internvl_chat.py CrossAttentionPooling.forward, copied by
    // lmdeploy) run attn2/norm2 three times and never attn3/attn4: the weights were trained so.
    for (int repeat = 0; repeat < 3; ++repeat)
        x = m_block2.norm(attend(m_block2, x, patchTokens));
    return x.squeeze(1);
}

torch::Tensor VisualResolutionRouter::probabilities(const torch::Tensor &patchTokens) const
{
    auto x = pool(patchTokens);
    for (const GateBlock &g : m_gateBlocks)
        x = x + g.norm(g.down(nn::gelu(g.up(x))));   // Gating.mlp_block: Linear, GELU, Dropout, Linear, Dropout, LayerNorm
    return torch::softmax(m_gate(m_gateNorm(x)), -1);
}

} // namespace tokenscope
