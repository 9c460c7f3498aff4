// SPDX-License-Identifier: MIT
#pragma once

// Qwen2.5-VL's vision tower: patches of a native-resolution image (3-D conv as one matrix
// product), 2-D rotary positions, pre-norm blocks with windowed attention (full attention in the
// fullatt blocks), and the 2×2 patch merger, as transformers' modeling_qwen2_5_vl.py
// (Qwen2_5_VisionTransformerPretrainedModel) computes them. Private to core: includes LibTorch.

#include "io/qwen2_5_vl_config.h"
#include "model/layers.h"
#include "model/qwen_pixels.h"

#include <cstdint>
#include <vector>

namespace tokenscope {

// [N, 2] int64: each patch's (row, column) in the pixel_values order (rot_pos_emb's pos_ids).
torch::Tensor qwenPatchPositions(const QwenPatchGrid &grid, int mergeSize);

// The windows of the windowed blocks (get_window_index): `order` lists the merged tokens window
// by window (row-major windows, row-major inside; windows cut off at the image edge hold fewer),
// as raster indices; `bounds` are the windows' limits in patches (cu_window_seqlens, repeated
// values removed).
struct QwenWindows {
    torch::Tensor order;   // [N / mergeUnit] int64
    std::vector<std::int64_t> bounds;
};
QwenWindows qwenWindows(const QwenPatchGrid &grid, const QwenVisionConfig &vision);

// Intermediate results a parity test compares (all optional).
struct QwenVisionTrace {
    torch::Tensor patchEmbeds;   // [N, C], pixel_values order
    torch::Tensor firstBlock;    // [N, C] after block 0, window order
    torch::Tensor lastHidden;    // [N, C] after the last block, window order
};

class QwenVisionTower {
public:
    // `prefix` is "visual." or "model.visual." (the checkpoint's layout).
    QwenVisionTower(const QwenVisionConfig &config, const nn::ParameterMap &params, const std::string &prefix);

    // pixel_values [N, 3·tps·p·p] of one image -> merged tokens [N / mergeUnit, outHiddenSize] in
    // raster order of the merged grid (the order of the <|image_pad|> tokens).
    torch::Tensor forward(const torch::Tensor &pixelValues, const QwenPatchGrid &grid,
                          QwenVisionTrace *trace = nullptr) const;

    const QwenVisionConfig &config() const { return m_config; }

private:
    struct Block {
        nn::Norm norm1, norm2;
        nn::Linear qkv, proj, gate, up, down;
    };
    torch::Tensor attention(const Block &block, const torch::Tensor &x, const torch::Tensor &cos,
                            const torch::Tensor &sin, const std::vector<std::int64_t> &bounds) const;
    // cos, sin [N, headDim] (fp32) of the patches in window order.
    std::pair<torch::Tensor, torch::Tensor> rotary(const QwenPatchGrid &grid, const torch::Tensor &windowOrder) const;

    QwenVisionConfig m_config;
    torch::Tensor m_patchEmbedding;   // [C, 3·tps·p·p]
    std::vector<Block> m_blocks;
    nn::Norm m_mergerNorm;
    nn::Linear m_mergerIn, m_mergerOut;
};

}   // namespace tokenscope
