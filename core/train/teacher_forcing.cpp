// SPDX-License-Identifier: MIT
#include "train/teacher_forcing.h"

#include "common/error.h"
#include "model/device_pixels.h"
#include "pipeline/chat_template.h"
#include "pipeline/image_encoding.h"
#include "pipeline/sequence_layout.h"

namespace tokenscope {

ImageBatch loadImageBatch(const InternVLModel &model, const TrainingSet &set, const std::vector<std::size_t> &indices)
{
    ImageBatch batch;
    std::vector<torch::Tensor> pixels;
    std::int64_t tiles = 0;
    const TilingOptions tiling = tilingFor(model);
    for (std::size_t index : indices) {
        const TrainingImage &image = set.images.at(index);
        batch.images.push_back(&image);
        batch.tiled.push_back(tileImage(decodeImageFile(image.path), tiling));
        batch.firstTile.push_back(tiles);
        tiles += std::int64_t(batch.tiled.back().tiles.size());
        pixels.push_back(devicePixels(batch.tiled.back(), model.target()));
    }
    batch.pixels = torch::cat(pixels, 0);
    return batch;
}

TeacherForcing::TeacherForcing(const InternVLModel &model, const Tokenizer &tokenizer)
    : m_model(model)
    , m_tokenizer(tokenizer)
{
    const auto id = tokenizer.tokenToId(kImageContext);
    if (!id)
        throw Error("tokenizer.json", "has no <IMG_CONTEXT> token");
    m_imageContext = *id;
}

const std::vector<TokenId> &TeacherForcing::prompt(const std::string &question, int tiles) const
{
    const auto key = std::make_pair(question, tiles);
    auto it = m_prompts.find(key);
    if (it == m_prompts.end())
        it = m_prompts.emplace(key, m_tokenizer.encode(buildChatPrompt(question, tiles * m_model.config().tokensPerTileFull())))
                 .first;
    return it->second;
}

AnswerLogits TeacherForcing::score(const ImageBatch &batch, const std::vector<ImageView> &views) const
{
    const LanguageModel &llm = m_model.language();
    const auto device = llm.device();
    const int full = m_model.config().tokensPerTileFull();

    struct Sequence {
        std::vector<TokenId> ids;
        std::vector<std::int64_t> visualRows;
        torch::Tensor visuals;
        std::int64_t answerStart = 0, answerLength = 0;
    };
    std::vector<Sequence> sequences;
    AnswerLogits out;
    for (std::size_t v = 0; v < views.size(); ++v) {
        const ImageView &view = views[v];
        const TrainingImage &image = *batch.images.at(view.image);
        std::vector<int> sent;
        for (const torch::Tensor &tile : view.tiles)
            sent.push_back(int(tile.size(0)));
        const torch::Tensor visuals = torch::cat(view.tiles, 0);
        for (const TrainingQuestion &q : image.questions) {
            const SequenceLayout layout = assembleSequence(prompt(q.question, int(view.tiles.size())), m_imageContext,
                                                           full, sent, image.path.string());
            Sequence s;
            s.ids = layout.ids;
            s.answerStart = std::int64_t(s.ids.size());
            s.answerLength = std::int64_t(q.answer.size());
            s.ids.insert(s.ids.end(), q.answer.begin(), q.answer.end());
            s.visualRows = visualRows(layout);
            s.visuals = visuals;
            sequences.push_back(std::move(s));
            out.sequenceView.push_back(v);
        }
    }

    std::int64_t longest = 0;
    for (const Sequence &s : sequences)
        longest = std::max<std::int64_t>(longest, std::int64_t(s.ids.size()));
    const auto intOptions = torch::TensorOptions().dtype(torch::kInt64);
    std::vector<torch::Tensor> embeds;
    std::vector<std::int64_t> answerRows, targets, owner;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const Sequence &s = sequences[i];
        std::vector<std::int64_t> ids(s.ids.begin(), s.ids.end());
        ids.resize(std::size_t(longest), 0);   // right padding: causal rows never see it
        auto e = llm.embed(torch::tensor(ids, intOptions).to(device));
        auto rows = torch::tensor(s.visualRows, intOptions).to(device);
        embeds.push_back(e.index_put({rows}, s.visuals.to(e.scalar_type())));
        for (std::int64_t j = 0; j < s.answerLength; ++j) {
            // Row r predicts token r + 1.
            answerRows.push_back(std::int64_t(i) * longest + s.answerStart + j - 1);
            targets.push_back(s.ids[std::size_t(s.answerStart + j)]);
            owner.push_back(std::int64_t(i));
        }
    }
    auto stacked = torch::stack(embeds, 0);
    auto positions = torch::arange(longest, intOptions.device(device)).expand({stacked.size(0), longest});
    auto hidden = llm.hiddenStates(stacked, positions).reshape({-1, stacked.size(2)});
    out.logits = llm.vocabularyLogits(hidden.index_select(0, torch::tensor(answerRows, intOptions).to(device)));
    out.targets = torch::tensor(targets, intOptions).to(device);
    out.sequence = torch::tensor(owner, intOptions).to(device);
    out.sequences = std::int64_t(sequences.size());
    return out;
}

torch::Tensor teacherForcedExactMatch(const AnswerLogits &scored)
{
    auto wrong = scored.logits.argmax(-1).ne(scored.targets).to(torch::kInt64);
    auto wrongPerSequence = torch::zeros({scored.sequences}, wrong.options()).index_add(0, scored.sequence, wrong);
    return wrongPerSequence.eq(0);
}

} // namespace tokenscope
