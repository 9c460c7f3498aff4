// SPDX-License-Identifier: MIT
#include "model/qwen_vision_tower.h"

#include "common/error.h"
#include "model/torch_compat.h"

#include <cmath>
#include <map>

namespace tokenscope {

torch::Tensor qwenPatchPositions(const QwenPatchGrid &grid, int mergeSize)
{
    // rot_pos_emb: row and column ids in (h/m, m, w/m, m) blocks, permuted (0, 2, 1, 3) to the
    // merge-unit order of the patches, repeated over t.
    const std::int64_t m = mergeSize;
    auto rows = torch::arange(grid.h, torch::kLong).unsqueeze(1).expand({grid.h, grid.w});
    auto cols = torch::arange(grid.w, torch::kLong).unsqueeze(0).expand({grid.h, grid.w});
    auto grouped = [&](const torch::Tensor &ids) {
        return ids.reshape({grid.h / m, m, grid.w / m, m}).permute({0, 2, 1, 3}).flatten();
    };
    return torch::stack({grouped(rows), grouped(cols)}, -1).repeat({grid.t, 1});
}

QwenWindows qwenWindows(const QwenPatchGrid &grid, const QwenVisionConfig &v)
{
    // get_window_index: the merged grid padded up to whole windows (by a whole extra window when
    // it already divides: `vws - llm_h % vws`; the empty windows add nothing), windows row-major.
    const std::int64_t m = v.spatialMergeSize, side = v.windowMergedSide();
    const std::int64_t rows = grid.h / m, cols = grid.w / m;
    const std::int64_t windowRows = (rows + side - rows % side) / side, windowCols = (cols + side - cols % side) / side;
    std::vector<std::int64_t> order;
    order.reserve(std::size_t(grid.t * rows * cols));
    QwenWindows windows;
    windows.bounds.push_back(0);
    for (std::int64_t t = 0; t < grid.t; ++t)
        for (std::int64_t wr = 0; wr < windowRows; ++wr)
            for (std::int64_t wc = 0; wc < windowCols; ++wc) {
                for (std::int64_t r = wr * side; r < std::min(rows, (wr + 1) * side); ++r)
                    for (std::int64_t c = wc * side; c < std::min(cols, (wc + 1) * side); ++c)
                        order.push_back((t * rows + r) * cols + c);
                // cu_window_seqlens in patches, then unique_consecutive drops the empty windows.
                const std::int64_t bound = std::int64_t(order.size()) * v.mergeUnit();
                if (bound != windows.bounds.back())
                    windows.bounds.push_back(bound);
            }
    windows.order = torch::tensor(order, torch::kLong);
    return windows;
}

QwenVisionTower::QwenVisionTower(const QwenVisionConfig &config, const nn::ParameterMap &params,
                                 const std::string &prefix)
    : m_config(config)
{
    // Conv3d with kernel = stride = (tps, p, p) over one patch is a matrix product with the
    // flattened kernel (Qwen2_5_VisionPatchEmbed; its columns match pixel_values' (c, t, y, x)).
    m_patchEmbedding = nn::param(params, prefix + "patch_embed.proj.weight").reshape({config.hiddenSize, -1});
    for (int i = 0; i < config.depth; ++i) {
        const std::string b = prefix + "blocks." + std::to_string(i) + ".";
        Block block;
        block.norm1 = nn::rmsNorm(params, b + "norm1", config.rmsNormEps);
        block.norm2 = nn::rmsNorm(params, b + "norm2", config.rmsNormEps);
        block.qkv = nn::linear(params, b + "attn.qkv");
        block.proj = nn::linear(params, b + "attn.proj");
        block.gate = nn::linear(params, b + "mlp.gate_proj");
        block.up = nn::linear(params, b + "mlp.up_proj");
        block.down = nn::linear(params, b + "mlp.down_proj");
        m_blocks.push_back(std::move(block));
    }
    m_mergerNorm = nn::rmsNorm(params, prefix + "merger.ln_q", config.rmsNormEps);
    m_mergerIn = nn::linear(params, prefix + "merger.mlp.0");
    m_mergerOut = nn::linear(params, prefix + "merger.mlp.2");
}

std::pair<torch::Tensor, torch::Tensor> QwenVisionTower::rotary(const QwenPatchGrid &grid,
                                                                const torch::Tensor &windowOrder) const
{
    // Qwen2_5_VisionRotaryEmbedding(headDim / 2, theta 10000): headDim / 4 frequencies; a patch's
    // angles are (row·f, column·f), and cat(angles, angles) spans the head (rotate_half pairs).
    const std::int64_t rotaryDim = m_config.headDim() / 2;
    const auto inverse = 1.0 / torch::pow(10000.0, torch::arange(0, rotaryDim, 2, torch::kDouble) / double(rotaryDim));
    const auto positions = qwenPatchPositions(grid, m_config.spatialMergeSize).to(torch::kDouble);   // [N, 2]
    auto angles =
        torch::cat({positions.select(1, 0).unsqueeze(1) * inverse, positions.select(1, 1).unsqueeze(1) * inverse}, 1)
            .to(torch::kFloat32);   // [N, headDim / 2]
    const std::int64_t unit = m_config.mergeUnit();
    angles = angles.view({-1, unit, rotaryDim}).index_select(0, windowOrder).view({-1, rotaryDim});
    const auto emb = torch::cat({angles, angles}, -1);
    return {emb.cos(), emb.sin()};
}

torch::Tensor QwenVisionTower::attention(const Block &block, const torch::Tensor &x, const torch::Tensor &cos,
                                         const torch::Tensor &sin, const std::vector<std::int64_t> &bounds) const
{
    const std::int64_t n = x.size(0), heads = m_config.numHeads, d = m_config.headDim();
    const auto qkv = block.qkv(x).view({n, 3, heads, d});
    // apply_rotary_pos_emb_vision: rotated in fp32, cast back.
    auto rotate = [&](const torch::Tensor &t) {
        return nn::applyRotary(t.to(torch::kFloat32), cos.unsqueeze(1), sin.unsqueeze(1)).to(x.scalar_type());
    };
    const auto q = rotate(qkv.select(1, 0)), k = rotate(qkv.select(1, 1)), v = qkv.select(1, 2);   // [N, heads, d]
    // Attention inside each segment [bounds[i], bounds[i+1]) only. Segments of one length run as
    // one batch (most windows are full: 64 patches at 112 px).
    std::map<std::int64_t, std::vector<std::int64_t>> startsByLength;
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
        startsByLength[bounds[i + 1] - bounds[i]].push_back(bounds[i]);
    auto out = torch::empty({n, heads, d}, x.options());
    const double scale = 1.0 / std::sqrt(double(d));
    for (const auto &[length, starts] : startsByLength) {
        const auto first = torch::tensor(starts, torch::kLong).to(x.device());
        const auto rows =
            (first.unsqueeze(1) + torch::arange(length, first.options())).flatten();   // [segments·length]
        auto gather = [&](const torch::Tensor &t) {
            return t.index_select(0, rows)
                .view({-1, length, heads, d})
                .transpose(1, 2);   // [segments, heads, length, d]
        };
        const auto attended = compat::scaledDotProductAttention(gather(q), gather(k), gather(v), std::nullopt, scale);
        out.index_copy_(0, rows, attended.transpose(1, 2).reshape({-1, heads, d}));
    }
    return block.proj(out.view({n, heads * d}));
}

torch::Tensor QwenVisionTower::forward(const torch::Tensor &pixelValues, const QwenPatchGrid &grid,
                                       QwenVisionTrace *trace) const
{
    const std::int64_t n = grid.patches(), unit = m_config.mergeUnit();
    if (pixelValues.dim() != 2 || pixelValues.size(0) != n || pixelValues.size(1) != m_config.patchWidth())
        throw Error("Qwen2.5-VL vision tower",
                    "pixel_values must be [" + std::to_string(n) + ", " + std::to_string(m_config.patchWidth()) +
                        "] for a " + std::to_string(grid.h) + "x" + std::to_string(grid.w) + "-patch image");
    auto x = torch::matmul(pixelValues.to(m_patchEmbedding.scalar_type()), m_patchEmbedding.t());   // [N, C]
    if (trace)
        trace->patchEmbeds = x;
    const QwenWindows windows = qwenWindows(grid, m_config);
    const auto order = windows.order.to(x.device());
    // Qwen2_5_VisionTransformerPretrainedModel.forward: patches regrouped window by window, merge
    // unit by merge unit, before the blocks; the merger runs in that order and its output is put
    // back in raster order (argsort of window_index).
    x = x.view({n / unit, unit, -1}).index_select(0, order).view({n, -1});
    const auto [cos, sin] = rotary(grid, order);
    std::vector<std::int64_t> frames;   // cu_seqlens: one segment per frame
    for (std::int64_t t = 0; t <= grid.t; ++t)
        frames.push_back(t * grid.h * grid.w);
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
        const Block &b = m_blocks[i];
        const auto &bounds = m_config.isFullAttention(int(i)) ? frames : windows.bounds;
        x = x + attention(b, b.norm1(x), cos, sin, bounds);
        const auto normed = b.norm2(x);
        x = x + b.down(torch::silu(b.gate(normed)) * b.up(normed));
        if (trace && i == 0)
            trace->firstBlock = x;
    }
    if (trace)
        trace->lastHidden = x;
    // Qwen2_5_VLPatchMerger: ln_q per patch, the 4 patches of a unit side by side, MLP with GELU.
    auto merged = m_mergerOut(nn::gelu(m_mergerIn(m_mergerNorm(x).view({n / unit, -1}))));
    return merged.index_select(0, torch::argsort(order));
}

}   // namespace tokenscope
