// SPDX-License-Identifier: MIT
#include "pipeline/qwen_answer.h"

#include "common/error.h"
#include "compress/method_catalog.h"
#include "compress/token_selector.h"
#include "compress/vision_selector.h"
#include "model/mrope_positions.h"

#include <set>

namespace tokenscope {

std::string buildQwenChatPrompt(const std::string &question, std::int64_t imageTokens)
{
    std::string pads;
    for (std::int64_t i = 0; i < imageTokens; ++i)
        pads += "<|image_pad|>";
    return "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<|vision_start|>" + pads +
           "<|vision_end|>" + question + "<|im_end|>\n<|im_start|>assistant\n";
}

QwenAnswer answerQwen(const Qwen25VLModel &model, const Tokenizer &tokenizer, const RgbImage &image,
                      const std::string &source, const std::string &question, const nn::ParameterMap &selector,
                      double budget, int maxNewTokens)
{
    if (!(budget > 0 && budget <= 1))
        throw Error("budget", "must be in (0, 1], got " + std::to_string(budget));
    if (budget < 1 && selector.empty())
        throw Error("method 'visionselector'", "needs a scorer: none in the checkpoint (visual.importance_scorer.*) "
                                               "and no selector.safetensors beside it");
    const torch::NoGradGuard noGrad;
    const Qwen25VLConfig &c = model.config();
    QwenAnswer answer;
    const QwenImageInput input = qwenPreprocess(image, c.preprocessor, c.vision, source);
    answer.grid = input.grid;
    const torch::Tensor merged = model.vision().forward(input.pixelValues.to(model.target().device), input.grid);
    answer.visualTokens = merged.size(0);

    // selector_model.py: scores over the merged tokens in raster order, the top max(1, int(N·b))
    // in ascending order; the other image rows leave the prompt, the kept keep their 3-D ids.
    if (budget < 1) {
        const torch::Tensor scores = visionSelectorScores(selector, merged).cpu();
        answer.scores.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel());
        answer.kept =
            selectionFromScores(scores, keptCount(budget, int(answer.visualTokens)), PositionPolicy::OriginalWithGaps)
                .kept;
    } else {
        for (std::int64_t i = 0; i < answer.visualTokens; ++i)
            answer.kept.push_back(i);
    }

    std::vector<std::int64_t> ids;
    for (TokenId id : tokenizer.encode(buildQwenChatPrompt(question, answer.visualTokens)))
        ids.push_back(id);
    const MropePositions positions = multimodalPositions(ids, {input.grid}, c.imageTokenId, c.vision.spatialMergeSize);
    const torch::Tensor embeds = model.embedPrompt(ids, {merged});
    std::vector<std::int64_t> rows;
    std::size_t nextKept = 0;
    for (std::int64_t i = 0, image = 0; i < std::int64_t(ids.size()); ++i) {
        if (ids[std::size_t(i)] != c.imageTokenId) {
            rows.push_back(i);
        } else if (nextKept < answer.kept.size() && answer.kept[nextKept] == image++) {
            rows.push_back(i);
            ++nextKept;
        }
    }
    const auto index = torch::tensor(rows, torch::kLong);
    const LanguageModel &llm = model.language();
    answer.promptTokens = std::int64_t(rows.size());
    KVCache cache = llm.newCache(answer.promptTokens + maxNewTokens, embeds.options());
    // Decoding resumes after the full prompt's largest position (what generate's cache_position
    // plus rope_deltas gives in the reference, which never learns that rows were dropped).
    torch::Tensor last = llm.forward(embeds.index_select(0, index.to(embeds.device())), cache, false,
                                     positions.ids.index_select(1, index).to(embeds.device()));
    cache.nextPosition = positions.next;

    std::set<TokenId> stop;
    for (int id : c.llm.eosTokenIds)
        stop.insert(TokenId(id));
    for (const char *token : {"<|im_end|>", "<|endoftext|>"})
        if (auto id = tokenizer.tokenToId(token))
            stop.insert(*id);
    const auto speakable = std::int64_t(tokenizer.vocabSize());
    for (int step = 0; step < maxNewTokens; ++step) {
        const auto next = TokenId(last.slice(-1, 0, speakable).argmax(-1).item<std::int64_t>());
        if (stop.count(next)) {
            answer.stoppedOnEos = true;
            break;
        }
        answer.ids.push_back(next);
        last = llm.forward(llm.embed(torch::tensor({std::int64_t(next)}, torch::kLong).to(embeds.device())), cache);
    }
    answer.text = tokenizer.decode(answer.ids, /*skipSpecialTokens=*/true);
    return answer;
}

}   // namespace tokenscope
