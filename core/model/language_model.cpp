// SPDX-License-Identifier: MIT
#include "model/language_model.h"

#include "model/torch_compat.h"
#include "model/torch_runtime.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>
#include <optional>
#include <stdexcept>
#include <utility>

namespace tokenscope {

LanguageModel::LanguageModel(const LlmConfig &config, const nn::ParameterMap &params, const LlmTensorNames &names)
    : m_config(config)
{
    const std::string &m = names.body;
    m_embedTokens = nn::param(params, m + "embed_tokens.weight");
    m_lmHead = config.tieWordEmbeddings ? m_embedTokens : nn::param(params, names.head);
    const double eps = config.rmsNormEps;
    for (int i = 0; i < config.numLayers; ++i) {
        const std::string p = m + "layers." + std::to_string(i) + ".";
        Layer l;
        l.inputNorm = nn::rmsNorm(params, p + "input_layernorm", eps);
        l.postAttentionNorm = nn::rmsNorm(params, p + "post_attention_layernorm", eps);
        l.q = nn::linear(params, p + "self_attn.q_proj");
        l.k = nn::linear(params, p + "self_attn.k_proj");
        l.v = nn::linear(params, p + "self_attn.v_proj");
        l.o = nn::linear(params, p + "self_attn.o_proj");
        if (config.arch == LlmArch::Qwen3) {
            l.qNorm = nn::rmsNorm(params, p + "self_attn.q_norm", eps);
            l.kNorm = nn::rmsNorm(params, p + "self_attn.k_norm", eps);
        }
        l.gate = nn::linear(params, p + "mlp.gate_proj");
        l.up = nn::linear(params, p + "mlp.up_proj");
        l.down = nn::linear(params, p + "mlp.down_proj");
        m_layers.push_back(std::move(l));
    }
    m_finalNorm = nn::rmsNorm(params, m + "norm", eps);
    // Qwen rotary: inv_freq_i = theta^(-2i/d), computed in fp32 like the reference.
    m_inverseFrequencies =
        1.0 / torch::pow(config.ropeTheta,
                         torch::arange(0, config.headDim, 2, torch::TensorOptions().dtype(torch::kInt64)).to(torch::kFloat32) /
                             double(config.headDim));
    m_inverseFrequencies = m_inverseFrequencies.to(m_embedTokens.device());
}

torch::Tensor LanguageModel::embed(const torch::Tensor &ids) const
{
    return torch::embedding(m_embedTokens, ids);
}

KVCache LanguageModel::newCache(std::int64_t capacity, const torch::TensorOptions &options) const
{
    KVCache cache;
    for (int i = 0; i < m_config.numLayers; ++i) {
        cache.keys.push_back(torch::empty({1, m_config.numKvHeads, capacity, m_config.headDim}, options));
        cache.values.push_back(torch::empty({1, m_config.numKvHeads, capacity, m_config.headDim}, options));
    }
    cache.layerLengths.assign(std::size_t(m_config.numLayers), 0);
    return cache;
}

namespace {

// Mean causal attention probability each row receives, over heads and query rows (or from the
// last row only), from explicit fp32 softmax (the FastV port's recomputation; the official code's
// last_layer_attention_avg[-1] row). queries [H, L, d], keys [KV, L, d] of one prefill. Blocks of
// query rows bound the memory to H × kQueryBlock × L, never the whole map.
torch::Tensor attentionReceived(const torch::Tensor &queries, torch::Tensor keys, double scale, bool lastQueryOnly)
{
    constexpr std::int64_t kQueryBlock = 128;
    const auto heads = queries.size(0), length = queries.size(1);
    if (keys.size(0) != heads)
        keys = keys.repeat_interleave(heads / keys.size(0), 0);
    const auto keysT = keys.transpose(-2, -1);
    if (lastQueryOnly) {
        auto probs = torch::softmax(compat::blockScores(queries, keysT, length - 1, 1, /*causalOffset=*/0, scale, torch::kFloat32), -1);
        return probs.sum(at::IntArrayRef{0, 1}).div_(double(heads));
    }
    auto sum = torch::zeros({length}, queries.options().dtype(torch::kFloat32));
    for (std::int64_t r = 0; r < length; r += kQueryBlock) {
        const auto rows = std::min(kQueryBlock, length - r);
        auto probs = torch::softmax(compat::blockScores(queries, keysT, r, rows, /*causalOffset=*/0, scale, torch::kFloat32), -1);
        sum.narrow(0, 0, probs.size(-1)) += probs.sum(at::IntArrayRef{0, 1});
    }
    return sum.div_(double(heads * length));
}

// The same from the query rows `queryRows` (current row indices) only, each causal at its own row.
torch::Tensor attentionReceivedFrom(const torch::Tensor &queries, torch::Tensor keys, double scale,
                                    const std::vector<std::int64_t> &queryRows)
{
    const auto heads = queries.size(0), length = queries.size(1);
    if (keys.size(0) != heads)
        keys = keys.repeat_interleave(heads / keys.size(0), 0);
    const auto device = queries.device();
    const auto rows = torch::tensor(queryRows, torch::TensorOptions().dtype(torch::kInt64)).to(device);
    auto scores = torch::matmul(queries.index_select(1, rows), keys.transpose(-2, -1)).to(torch::kFloat32).mul_(scale);
    const auto future = torch::arange(length, rows.options()).unsqueeze(0) > rows.unsqueeze(1);   // [R, L]
    scores.masked_fill_(future, -std::numeric_limits<float>::infinity());
    return torch::softmax(scores, -1).sum(at::IntArrayRef{0, 1}).div_(double(heads * rows.numel()));
}

// Where each prefill row is now (-1 when dropped): `rows` maps current rows to prefill rows.
std::vector<std::int64_t> currentRowsOf(const std::vector<std::int64_t> &prefillRows, const std::vector<std::int64_t> &rows,
                                        std::int64_t prefillLength)
{
    std::vector<std::int64_t> where(std::size_t(prefillLength), -1);
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r] != kInsertedRow)
            where[std::size_t(rows[r])] = static_cast<std::int64_t>(r);
    std::vector<std::int64_t> out;
    for (std::int64_t p : prefillRows) {
        if (p < 0 || p >= prefillLength || where[std::size_t(p)] < 0)
            throw std::logic_error("queryRows names row " + std::to_string(p) + ", which is not in the prefill any more");
        out.push_back(where[std::size_t(p)]);
    }
    if (out.empty())
        throw std::logic_error("queryRows chose no rows");
    return out;
}

} // namespace

torch::Tensor LanguageModel::attention(const Layer &layer, std::size_t index, const torch::Tensor &x,
                                       const torch::Tensor &cos, const torch::Tensor &sin, KVCache &cache,
                                       torch::Tensor *queries, torch::Tensor *rotatedKeys) const
{
    const auto length = x.size(0);
    const int heads = m_config.numHeads, kvHeads = m_config.numKvHeads, headDim = m_config.headDim;
    auto q = layer.q(x).view({length, heads, headDim});
    auto k = layer.k(x).view({length, kvHeads, headDim});
    auto v = layer.v(x).view({length, kvHeads, headDim});
    if (m_config.arch == LlmArch::Qwen3) {
        q = layer.qNorm(q);
        k = layer.kNorm(k);
    }
    q = nn::applyRotary(q.transpose(0, 1), cos, sin).unsqueeze(0);   // [1, H, L, d]
    k = nn::applyRotary(k.transpose(0, 1), cos, sin).unsqueeze(0);   // [1, KV, L, d]
    v = v.transpose(0, 1).unsqueeze(0);
    if (queries)
        *queries = q.squeeze(0);
    if (rotatedKeys)
        *rotatedKeys = k.squeeze(0);

    // Each layer appends at its own fill level: after a pruning prefill, layers >= K hold fewer rows.
    const auto start = cache.layerLengths[index];
    cache.keys[index].narrow(2, start, length).copy_(k);
    cache.values[index].narrow(2, start, length).copy_(v);
    const auto total = start + length;
    cache.layerLengths[index] = total;
    auto keys = cache.keys[index].narrow(2, 0, total);
    auto values = cache.values[index].narrow(2, 0, total);
    if (heads != kvHeads) {   // GQA: each KV head serves heads/kvHeads consecutive query heads
        keys = keys.repeat_interleave(heads / kvHeads, 1);
        values = values.repeat_interleave(heads / kvHeads, 1);
    }
    // Causal over the new rows, offset by what the cache already holds.
    auto out = compat::scaledDotProductAttention(q, keys, values, start, 1.0 / std::sqrt(double(headDim)));
    return layer.o(out.squeeze(0).transpose(0, 1).reshape({length, heads * headDim}));
}

// The second half of a decoder layer: post-attention RMSNorm, SwiGLU MLP, residual.
torch::Tensor LanguageModel::feedForward(const Layer &layer, const torch::Tensor &y) const
{
    auto h = layer.postAttentionNorm(y);
    return y + layer.down(torch::silu(layer.gate(h)) * layer.up(h));
}

torch::Tensor LanguageModel::block(std::size_t index, const torch::Tensor &x, const torch::Tensor &cos,
                                   const torch::Tensor &sin, KVCache &cache, torch::Tensor *queries,
                                   torch::Tensor *keys) const
{
    const Layer &l = m_layers[index];
    return feedForward(l, x + attention(l, index, l.inputNorm(x), cos, sin, cache, queries, keys));
}

bool LanguageModel::isMultimodal(const torch::Tensor &positions) const
{
    if (positions.dim() == 2 && positions.size(0) == 3 && m_config.multimodalRope())
        return true;
    if (positions.dim() != 1)
        throw std::invalid_argument(m_config.multimodalRope() ? "positions must be [L] or [3, L]"
                                                              : "positions must be [L] (this model has no M-RoPE)");
    return false;
}

std::pair<torch::Tensor, torch::Tensor> LanguageModel::rotary(const torch::Tensor &positions, const torch::Tensor &like,
                                                              bool multimodal) const
{
    // [..., L] positions -> [..., L, d/2] angles (an outer product per row).
    auto freqs = positions.to(like.device(), torch::kFloat32).unsqueeze(-1) * m_inverseFrequencies;
    if (multimodal) {
        // apply_multimodal_rotary_pos_emb (modeling_qwen2_5_vl.py): frequency block j of
        // mrope_section takes axis j's angle ([3, L, d/2] -> [L, d/2]); cat(freqs, freqs) then gives
        // the doubled section list the reference splits the head width by.
        std::vector<torch::Tensor> parts;
        std::int64_t first = 0;
        for (int axis = 0; axis < 3; ++axis) {
            parts.push_back(freqs[axis].narrow(-1, first, m_config.mropeSection[std::size_t(axis)]));
            first += m_config.mropeSection[std::size_t(axis)];
        }
        freqs = torch::cat(parts, -1);
    }
    auto angles = torch::cat({freqs, freqs}, -1);
    return {angles.cos().to(like.scalar_type()), angles.sin().to(like.scalar_type())};
}

torch::Tensor LanguageModel::batchedAttention(const Layer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                              const torch::Tensor &sin, const torch::Tensor &additiveMask) const
{
    const auto batch = x.size(0), length = x.size(1);
    const int heads = m_config.numHeads, kvHeads = m_config.numKvHeads, headDim = m_config.headDim;
    auto q = layer.q(x).view({batch, length, heads, headDim});
    auto k = layer.k(x).view({batch, length, kvHeads, headDim});
    auto v = layer.v(x).view({batch, length, kvHeads, headDim}).transpose(1, 2);
    if (m_config.arch == LlmArch::Qwen3) {
        q = layer.qNorm(q);
        k = layer.kNorm(k);
    }
    q = nn::applyRotary(q.transpose(1, 2), cos, sin);   // [B, H, L, d]
    k = nn::applyRotary(k.transpose(1, 2), cos, sin);   // [B, KV, L, d]
    if (heads != kvHeads) {
        k = k.repeat_interleave(heads / kvHeads, 1);
        v = v.repeat_interleave(heads / kvHeads, 1);
    }
    const double scale = 1.0 / std::sqrt(double(headDim));
    auto out = additiveMask.defined() ? compat::maskedAttention(q, k, v, additiveMask, scale)
                                      : compat::scaledDotProductAttention(q, k, v, 0, scale);
    return layer.o(out.transpose(1, 2).reshape({batch, length, heads * headDim}));
}

torch::Tensor LanguageModel::hiddenStates(const torch::Tensor &embeds, const torch::Tensor &positions,
                                          const torch::Tensor &visible) const
{
    auto [cos, sin] = rotary(positions, embeds);   // [B, L, d]
    cos = cos.unsqueeze(1);                         // broadcast over heads
    sin = sin.unsqueeze(1);
    torch::Tensor mask;   // [B, 1, L, L]: 0 where visible, -inf elsewhere
    if (visible.defined())
        mask = torch::zeros(visible.sizes(), embeds.options())
                   .masked_fill(visible.logical_not().to(embeds.device()), -std::numeric_limits<float>::infinity())
                   .unsqueeze(1);
    auto x = embeds;
    for (const Layer &l : m_layers)
        x = feedForward(l, x + batchedAttention(l, l.inputNorm(x), cos, sin, mask));
    return m_finalNorm(x);
}

torch::Tensor LanguageModel::forward(const torch::Tensor &embeds, KVCache &cache, bool allLogits,
                                     const torch::Tensor &positions) const
{
    const auto length = embeds.size(0);
    if (cache.layerLengths.size() != m_layers.size())
        throw std::logic_error("KV cache was not made by this model");
    if (cache.length + length > cache.capacity())
        throw std::length_error("KV cache capacity exceeded");
    auto pos = positions.defined()
                   ? positions
                   : torch::arange(cache.nextPosition, cache.nextPosition + length,
                                   torch::TensorOptions().dtype(torch::kInt64).device(embeds.device()));
    const bool multimodal = isMultimodal(pos);
    auto [cos, sin] = rotary(pos, embeds, multimodal);

    auto x = embeds;
    std::int64_t shift = 0;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        // After a renumbering prefill, layers past each drop count their own positions.
        const std::int64_t layerShift = cache.positionShift.empty() ? 0 : cache.positionShift[i];
        if (layerShift != shift) {
            shift = layerShift;
            std::tie(cos, sin) = rotary(pos - shift, embeds, multimodal);
        }
        x = block(i, x, cos, sin, cache);
    }
    cache.length = cache.layerLengths.front();
    cache.nextPosition = (positions.defined() ? positions.max().item<std::int64_t>() : cache.nextPosition + length - 1) + 1;
    x = m_finalNorm(allLogits ? x : x.slice(0, length - 1));
    return torch::linear(x, m_lmHead);
}

torch::Tensor LanguageModel::lastRowAttention(std::size_t index, const torch::Tensor &x, const torch::Tensor &cos,
                                              const torch::Tensor &sin) const
{
    // Layer `index`'s attention from the last row over every row, recomputed from the hidden
    // states entering it (PyramidDrop pdrop_rank_drop: input_layernorm, q_proj/k_proj, rotary,
    // softmax in fp32, mean over heads).
    const Layer &layer = m_layers[index];
    const auto length = x.size(0);
    const int heads = m_config.numHeads, kvHeads = m_config.numKvHeads, headDim = m_config.headDim;
    const auto h = layer.inputNorm(x);
    auto q = layer.q(h.slice(0, length - 1)).view({1, heads, headDim});
    auto k = layer.k(h).view({length, kvHeads, headDim});
    if (m_config.arch == LlmArch::Qwen3) {
        q = layer.qNorm(q);
        k = layer.kNorm(k);
    }
    q = nn::applyRotary(q.transpose(0, 1), cos.slice(0, length - 1), sin.slice(0, length - 1));   // [H, 1, d]
    k = nn::applyRotary(k.transpose(0, 1), cos, sin);                                             // [KV, L, d]
    if (heads != kvHeads)
        k = k.repeat_interleave(heads / kvHeads, 0);
    const auto scores = torch::matmul(q.to(torch::kFloat32), k.to(torch::kFloat32).transpose(1, 2)) /
                        std::sqrt(double(headDim));   // [H, 1, L]
    return torch::softmax(scores, -1).mean(0).squeeze(0);
}

torch::Tensor LanguageModel::prefill(const torch::Tensor &embeds, KVCache &cache, const torch::Tensor &positions,
                                     const std::vector<LayerPruning> &steps, bool allLogits) const
{
    const auto length = embeds.size(0);
    if (steps.empty())
        throw std::invalid_argument("a pruning prefill needs at least one step");
    int previous = 0;
    for (const LayerPruning &step : steps) {
        if (step.layer < 1 || step.layer >= m_config.numLayers)
            throw std::invalid_argument("pruning layer must be in [1, " + std::to_string(m_config.numLayers - 1) +
                                        "], got " + std::to_string(step.layer));
        if (step.layer <= previous)
            throw std::invalid_argument("pruning steps must be at strictly increasing layers");
        if (!step.keepRows)
            throw std::invalid_argument("pruning has no keepRows");
        if (step.insertRows && !step.renumberPositions)
            throw std::invalid_argument("a pruning step that inserts rows must renumber positions");
        if (step.queryRows && !step.needAttention)
            throw std::invalid_argument("queryRows without needAttention");
        if (step.renumberPositions && positions.defined() && positions.dim() == 2)
            throw std::invalid_argument("3-D (M-RoPE) positions cannot be renumbered after a drop");
        previous = step.layer;
    }
    if (cache.layerLengths.size() != m_layers.size() || cache.length != 0)
        throw std::logic_error("a pruning prefill needs an empty KV cache made by this model");
    if (length > cache.capacity())
        throw std::length_error("KV cache capacity exceeded");
    const auto pos = positions.defined()
                         ? positions.to(embeds.device(), torch::kInt64)
                         : torch::arange(length, torch::TensorOptions().dtype(torch::kInt64).device(embeds.device()));
    const std::int64_t nextPosition = pos.max().item<std::int64_t>() + 1;
    cache.positionShift.assign(m_layers.size(), 0);
    auto [cos, sin] = rotary(pos, embeds, isMultimodal(pos));
    auto current = pos;   // the current rows' positions, in their layers' numbering
    std::vector<std::int64_t> rows(static_cast<std::size_t>(length));
    std::iota(rows.begin(), rows.end(), std::int64_t(0));

    auto x = embeds;
    std::size_t done = 0;
    for (const LayerPruning &step : steps) {
        PruningInput input;
        torch::Tensor queries;
        for (; done < std::size_t(step.layer); ++done) {
            const bool last = done + 1 == std::size_t(step.layer);
            x = block(done, x, cos, sin, cache, last && step.needAttention ? &queries : nullptr,
                      last && (step.needKeys || step.needAttention) ? &input.keys : nullptr);
        }
        input.hidden = x;
        input.rows = rows;
        if (step.needNormedHidden)
            input.normedHidden = m_finalNorm(x);
        if (step.needAttention || step.needNextLayerLastRowAttention) {
            StageTimer timer(embeds.device());
            const double scale = 1.0 / std::sqrt(double(m_config.headDim));
            if (step.needAttention && step.queryRows)
                input.attentionReceived = attentionReceivedFrom(queries, input.keys, scale,
                                                                currentRowsOf(step.queryRows(embeds), rows, length));
            else if (step.needAttention)
                input.attentionReceived = attentionReceived(queries, input.keys, scale, step.lastQueryOnly);
            if (step.needNextLayerLastRowAttention)
                input.nextLayerLastRowAttention = lastRowAttention(std::size_t(step.layer), x, cos, sin);
            input.attentionMs = timer.elapsedMs();
        }

        auto keep = step.keepRows(input).to(torch::kCPU, torch::kInt64).contiguous();
        const auto count = x.size(0);
        if (keep.dim() != 1 || keep.numel() < 1)
            throw std::logic_error("keepRows must return a non-empty 1-D index tensor");
        const std::int64_t *kept = keep.data_ptr<std::int64_t>();
        for (std::int64_t i = 0; i < keep.numel(); ++i)
            if (kept[i] < 0 || kept[i] >= count || (i > 0 && kept[i] <= kept[i - 1]))
                throw std::logic_error("keepRows must return strictly increasing row indices in range");
        if (!allLogits && kept[keep.numel() - 1] != count - 1)
            throw std::logic_error("keepRows must keep the last row (it predicts the next token)");
        std::vector<std::int64_t> keptRows;
        for (std::int64_t i = 0; i < keep.numel(); ++i)
            keptRows.push_back(rows[std::size_t(kept[i])]);
        InsertedRows inserted;
        if (step.insertRows)
            inserted = step.insertRows(input, std::vector<std::int64_t>(kept, kept + keep.numel()));
        rows = std::move(keptRows);

        const auto keepOnDevice = keep.to(embeds.device());
        x = x.index_select(0, keepOnDevice);
        current = current.index_select(-1, keepOnDevice);
        if (inserted.hidden.defined() && inserted.hidden.size(0) > 0) {
            const auto added = inserted.hidden.size(0);
            if (inserted.hidden.dim() != 2 || inserted.hidden.size(1) != x.size(1))
                throw std::logic_error("insertRows must return [M, hidden] rows");
            if (inserted.after < 0 || inserted.after >= keep.numel() - 1)
                throw std::logic_error("insertRows must insert before the last kept row");
            if (x.size(0) + added > cache.capacity())
                throw std::length_error("KV cache capacity exceeded by inserted rows");
            const auto split = inserted.after + 1;
            x = torch::cat({x.slice(0, 0, split), inserted.hidden.to(x.device(), x.scalar_type()), x.slice(0, split)});
            rows.insert(rows.begin() + split, std::size_t(added), kInsertedRow);
        }
        if (step.renumberPositions) {
            current = current[0] + torch::arange(x.size(0), current.options());
            std::tie(cos, sin) = rotary(current, embeds);
            const std::int64_t shift = nextPosition - (current.max().item<std::int64_t>() + 1);
            std::fill(cache.positionShift.begin() + step.layer, cache.positionShift.end(), shift);
        } else {   // kept rows keep their rotary positions
            cos = cos.index_select(0, keepOnDevice);
            sin = sin.index_select(0, keepOnDevice);
        }
    }
    for (; done < m_layers.size(); ++done)
        x = block(done, x, cos, sin, cache);

    cache.length = cache.layerLengths.front();
    cache.nextPosition = nextPosition;
    x = m_finalNorm(allLogits ? x : x.slice(0, x.size(0) - 1));
    return torch::linear(x, m_lmHead);
}

} // namespace tokenscope
