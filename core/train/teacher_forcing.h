// SPDX-License-Identifier: MIT
#pragma once

// The differentiable pass the trainer and its evaluations share: images through the encoder,
// each tile through the connector its ratio asks for, then every question of an image laid out
// exactly as the engine lays it out (chat template, interleaved 1/4 and 1/16 tiles, contiguous
// positions) and scored teacher-forced on its answer tokens. An image's questions are packed into
// one row that computes the shared prompt prefix (system message and image) once; a mask keeps
// each question from seeing the others, so the result equals one sequence per question.
// Private to core: includes LibTorch.

#include "image/image.h"
#include "model/internvl_model.h"
#include "model/tile_ratio.h"
#include "train/training_set.h"

#include <map>
#include <utility>
#include <vector>

namespace tokenscope {

// A batch of images, decoded and tiled, with their questions.
struct ImageBatch {
    std::vector<const TrainingImage *> images;
    std::vector<TiledImage> tiled;
    std::vector<std::int64_t> firstTile;   // index of each image's first tile in `pixels`
    torch::Tensor pixels;                  // [Σ tiles, 3, T, T]
    std::int64_t tileCount(std::size_t image) const { return std::int64_t(tiled[image].tiles.size()); }
};
ImageBatch loadImageBatch(const InternVLModel &model, const TrainingSet &set, const std::vector<std::size_t> &indices);

// How one image is shown to the LLM: one embedding block [tokens, D] per tile, in tile order.
struct ImageView {
    std::size_t image = 0;             // index in the batch
    std::vector<torch::Tensor> tiles;
};

// Teacher-forced answer logits of every (view, question) sequence.
struct AnswerLogits {
    torch::Tensor logits;     // [N, V] for the N answer tokens of all sequences
    torch::Tensor targets;    // [N] int64
    torch::Tensor sequence;   // [N] int64: which sequence each token belongs to
    std::int64_t sequences = 0;
    std::vector<std::size_t> sequenceView;   // per sequence: the view it came from
    std::vector<const TrainingQuestion *> sequenceQuestion;   // per sequence: its question
};

class TeacherForcing {
public:
    TeacherForcing(const InternVLModel &model, const Tokenizer &tokenizer);
    AnswerLogits score(const ImageBatch &batch, const std::vector<ImageView> &views) const;

private:
    const std::vector<TokenId> &prompt(const std::string &question, int tiles) const;

    const InternVLModel &m_model;
    const Tokenizer &m_tokenizer;
    TokenId m_imageContext = 0;
    mutable std::map<std::pair<std::string, int>, std::vector<TokenId>> m_prompts;   // templated questions repeat
};

// Per-sequence exact match from teacher forcing: every answer token (end-of-turn included) is the
// argmax, which is exactly when greedy decoding would produce the answer and stop. [sequences] bool.
torch::Tensor teacherForcedExactMatch(const AnswerLogits &scored);

} // namespace tokenscope
