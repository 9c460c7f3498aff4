// SPDX-License-Identifier: MIT
#pragma once

// A dataset in the sweep format (docs/dataset-format.md) read for training: questions grouped by
// image (the encoder runs once per image for all its questions) and each first answer tokenised
// as the model must generate it, validated up front so a run never fails half-way.

#include "tokenizer/tokenizer.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

struct TrainingQuestion {
    std::string question;
    std::vector<TokenId> answer;   // the first answer's tokens, then the end-of-turn token
    std::string category;
    int tile = -1;                 // the tile holding the answer, -1 when unknown (dataset field `tile`)
    int line = 0;                  // in the dataset file, for messages
};

struct TrainingImage {
    std::filesystem::path path;
    std::vector<TrainingQuestion> questions;
};

struct TrainingSet {
    std::filesystem::path file;
    std::vector<TrainingImage> images;   // consecutive lines with one image form one entry
    std::size_t questionCount() const;
};

struct AnswerRules {
    TokenId endOfTurn = 0;         // <|im_end|>, appended to every answer
    std::int64_t vocabSize = 0;    // the model's llm_config.vocab_size
    int maxAnswerTokens = 96;      // the trainer's --max-answer-tokens
};

// Throws Error("<file>:<line>", …) for an answer that is empty, holds a special token (such as
// <IMG_CONTEXT>) the model cannot emit as text, tokenises beyond the model's vocabulary or into
// more than maxAnswerTokens tokens; dataset errors come from loadDataset.
TrainingSet loadTrainingSet(const std::filesystem::path &file, const Tokenizer &tokenizer, const AnswerRules &rules);

} // namespace tokenscope
