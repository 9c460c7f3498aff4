// SPDX-License-Identifier: MIT
#include "train/teacher_forcing.h"

#include "common/error.h"
#include "model/device_pixels.h"
#include "pipeline/chat_template.h"
#include "pipeline/image_encoding.h"
#include "pipeline/sequence_layout.h"

#include <algorithm>
#include <stdexcept>

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

namespace {

// One packed row per view: the prompt up to where the image's questions differ (system message,
// image, its visual rows) once, then each question's own tail and answer as a segment that sees the
// shared prefix and itself, at the positions it would have alone. Attention is therefore exactly
// that of one sequence per question, with the prefix computed once instead of once per question.
struct PackedRow {
    std::vector<TokenId> ids;
    std::vector<std::int64_t> positions;
    std::vector<std::int64_t> segment;   // -1 for the shared prefix, else the question's index
    std::vector<std::int64_t> visualRows;
    torch::Tensor visuals;
    struct Answer {
        std::int64_t start = 0, length = 0;   // row of the first answer token, answer tokens
    };
    std::vector<Answer> answers;
};

} // namespace

AnswerLogits TeacherForcing::score(const ImageBatch &batch, const std::vector<ImageView> &views) const
{
    const LanguageModel &llm = m_model.language();
    const auto device = llm.device();
    const int full = m_model.config().tokensPerTileFull();

    std::vector<PackedRow> rows;
    AnswerLogits out;
    for (std::size_t v = 0; v < views.size(); ++v) {
        const ImageView &view = views[v];
        const TrainingImage &image = *batch.images.at(view.image);
        std::vector<int> sent;
        for (const torch::Tensor &tile : view.tiles)
            sent.push_back(int(tile.size(0)));
        std::vector<SequenceLayout> layouts;
        for (const TrainingQuestion &q : image.questions)
            layouts.push_back(assembleSequence(prompt(q.question, int(view.tiles.size())), m_imageContext, full, sent,
                                               image.path.string()));
        // The shared prefix: the longest common run of prompt ids (it holds every visual row), short
        // of each prompt's last token so that every question predicts its answer from a row of its own.
        std::size_t shared = layouts.front().ids.size();
        for (const SequenceLayout &layout : layouts) {
            shared = std::min(shared, layout.ids.size() - 1);
            const auto &a = layouts.front().ids, &b = layout.ids;
            shared = std::min<std::size_t>(shared, std::mismatch(a.begin(), a.begin() + std::ptrdiff_t(std::min(shared, b.size())),
                                                                 b.begin()).first - a.begin());
        }
        PackedRow row;
        row.visualRows = visualRows(layouts.front());
        if (row.visualRows.empty() || std::size_t(row.visualRows.back()) >= shared)
            throw std::logic_error("packed questions must share every visual row");
        row.visuals = torch::cat(view.tiles, 0);
        row.ids.assign(layouts.front().ids.begin(), layouts.front().ids.begin() + std::ptrdiff_t(shared));
        for (std::size_t i = 0; i < shared; ++i) {
            row.positions.push_back(std::int64_t(i));
            row.segment.push_back(-1);
        }
        for (std::size_t q = 0; q < layouts.size(); ++q) {
            const std::vector<TokenId> &answer = image.questions[q].answer;
            std::vector<TokenId> tail(layouts[q].ids.begin() + std::ptrdiff_t(shared), layouts[q].ids.end());
            tail.insert(tail.end(), answer.begin(), answer.end());
            row.answers.push_back({std::int64_t(row.ids.size() + layouts[q].ids.size() - shared), std::int64_t(answer.size())});
            for (std::size_t j = 0; j < tail.size(); ++j) {
                row.ids.push_back(tail[j]);
                row.positions.push_back(std::int64_t(shared + j));
                row.segment.push_back(std::int64_t(q));
            }
            out.sequenceView.push_back(v);
            out.sequenceQuestion.push_back(&image.questions[q]);
        }
        rows.push_back(std::move(row));
    }

    std::int64_t longest = 0;
    for (const PackedRow &r : rows)
        longest = std::max<std::int64_t>(longest, std::int64_t(r.ids.size()));
    const auto intOptions = torch::TensorOptions().dtype(torch::kInt64);
    std::vector<torch::Tensor> embeds, positions, visible;
    std::vector<std::int64_t> answerRows, targets, owner;
    std::int64_t sequence = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const PackedRow &r = rows[i];
        std::vector<std::int64_t> ids(r.ids.begin(), r.ids.end()), pos = r.positions, seg = r.segment;
        ids.resize(std::size_t(longest), 0);       // padding: a segment of its own, never read
        pos.resize(std::size_t(longest), 0);
        seg.resize(std::size_t(longest), -2);
        auto e = llm.embed(torch::tensor(ids, intOptions).to(device));
        embeds.push_back(e.index_put({torch::tensor(r.visualRows, intOptions).to(device)}, r.visuals.to(e.scalar_type())));
        positions.push_back(torch::tensor(pos, intOptions));
        // Row a sees key b when b <= a and b is in the prefix or in a's own segment (so every row
        // sees itself; real rows never see the padding after them).
        auto s = torch::tensor(seg, intOptions);
        auto causal = torch::ones({longest, longest}, torch::kBool).tril();
        visible.push_back(causal.logical_and(s.unsqueeze(1).eq(s.unsqueeze(0)).logical_or(s.eq(-1).unsqueeze(0))));
        for (std::size_t q = 0; q < r.answers.size(); ++q, ++sequence)
            for (std::int64_t j = 0; j < r.answers[q].length; ++j) {
                // Row t predicts token t + 1.
                answerRows.push_back(std::int64_t(i) * longest + r.answers[q].start + j - 1);
                targets.push_back(r.ids[std::size_t(r.answers[q].start + j)]);
                owner.push_back(sequence);
            }
    }
    auto stacked = torch::stack(embeds, 0);
    auto hidden = llm.hiddenStates(stacked, torch::stack(positions, 0).to(device), torch::stack(visible, 0).to(device))
                      .reshape({-1, stacked.size(2)});
    out.logits = llm.vocabularyLogits(hidden.index_select(0, torch::tensor(answerRows, intOptions).to(device)));
    out.targets = torch::tensor(targets, intOptions).to(device);
    out.sequence = torch::tensor(owner, intOptions).to(device);
    out.sequences = sequence;
    return out;
}

torch::Tensor teacherForcedExactMatch(const AnswerLogits &scored)
{
    auto wrong = scored.logits.argmax(-1).ne(scored.targets).to(torch::kInt64);
    auto wrongPerSequence = torch::zeros({scored.sequences}, wrong.options()).index_add(0, scored.sequence, wrong);
    return wrongPerSequence.eq(0);
}

} // namespace tokenscope
