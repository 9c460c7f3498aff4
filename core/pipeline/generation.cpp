// SPDX-License-Identifier: MIT
#include "pipeline/generation.h"

#include "model/torch_runtime.h"

namespace tokenscope {

namespace {

// Text embeddings with each tile's visual rows written over its placeholders.
torch::Tensor sequenceEmbeddings(const LanguageModel &llm, const GenerationInput &in, const torch::Device &device)
{
    const auto &ids = in.layout.ids;
    auto embeds = llm.embed(torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()),
                                          torch::TensorOptions().dtype(torch::kInt64)).to(device));
    const std::vector<std::int64_t> rows = visualRows(in.layout);
    if (!rows.empty()) {
        auto where = torch::tensor(rows, torch::TensorOptions().dtype(torch::kInt64)).to(device);
        embeds.index_copy_(0, where, torch::cat(in.tileEmbeddings, 0));
    }
    return embeds;
}

} // namespace

Generation generateGreedy(const LanguageModel &llm, const GenerationInput &in, ProgressReporter &progress)
{
    const torch::Device device = llm.device();
    StageTimer timer(device);
    Generation out;
    const auto embeds = sequenceEmbeddings(llm, in, device);
    const auto length = static_cast<std::int64_t>(in.layout.ids.size());
    KVCache cache = llm.newCache(length + in.maxNewTokens, embeds.options());
    auto logits = in.pruning ? llm.prefill(embeds, cache, in.positions.to(device), *in.pruning)
                             : llm.forward(embeds, cache, /*allLogits=*/false, in.positions.to(device));
    out.prefillMs = timer.elapsedMs();
    progress.report(0.9, "prefill");

    // Checkpoints pad vocab_size beyond the tokenizer (Qwen3: 151936 vs 151669); a padding id has
    // no text, so greedy decoding chooses among the tokenizer's ids only.
    for (int step = 0; step < in.maxNewTokens; ++step) {
        const auto next = static_cast<TokenId>(logits.slice(-1, 0, in.speakableVocab).argmax(-1).item<std::int64_t>());
        if (in.stopTokens.count(next)) {
            out.stoppedOnEos = true;
            break;
        }
        out.ids.push_back(next);
        if (step + 1 == in.maxNewTokens)
            break;
        auto nextId = torch::full({1}, std::int64_t(next), torch::TensorOptions().dtype(torch::kInt64).device(device));
        logits = llm.forward(llm.embed(nextId), cache);
        progress.report(0.9 + 0.1 * double(step + 1) / in.maxNewTokens, "decode");
    }
    out.decodeMs = timer.elapsedMs();
    return out;
}

} // namespace tokenscope
