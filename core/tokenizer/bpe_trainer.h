// SPDX-License-Identifier: MIT
#pragma once

// Trains a byte-level BPE vocabulary for the Qwen-style tokenizer this library reads and writes
// (writeByteLevelBpeTokenizer). Texts are cut exactly as Tokenizer::encode cuts them — special
// tokens first, then NFC, the Qwen Split regex, the GPT-2 byte map — so every learned merge
// applies to the pieces the runtime will see. Training starts from the 256 byte symbols and
// repeatedly merges the most frequent adjacent pair, counted over the distinct pieces weighted by
// how often each occurs; ties go to the pair whose (left, right) symbol strings sort first, so
// the result depends on the texts alone, never on hash order.
//
// Ids, as the writer lays them out: bytes 0..255, one id per merge in order, then the special
// tokens in the order given (so <|endoftext|>, <|im_start|>, ... sit at the top of the vocabulary).

#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tokenscope {

struct BpeTrainingOptions {
    int vocabSize = 2048;     // bytes + merges + special tokens; must leave room for the 256 bytes
    int minFrequency = 2;     // a pair seen fewer times than this is never merged
    std::vector<std::string> specialTokens;   // never split, never part of a merge
};

struct BpeTrainingStats {
    std::uint64_t inputBytes = 0;    // UTF-8 bytes of all texts
    std::uint64_t pieces = 0;        // pre-tokenized pieces (special tokens excluded)
    std::uint64_t uniquePieces = 0;
    std::uint64_t tokens = 0;        // pieces' tokens after training, weighted by frequency
    std::uint64_t skippedPairs = 0;  // best pairs dropped because their text was already a token
    std::string stopReason;          // "vocabulary full", "min frequency" or "no pairs left"
};

struct BpeTrainingResult {
    ByteLevelBpeSpec spec;
    BpeTrainingStats stats;
    // Each distinct piece (raw bytes) and the ByteLevel tokens training left it as. The runtime
    // must encode the piece to exactly these tokens; tests check it.
    std::vector<std::pair<std::string, std::vector<std::string>>> segmentation;
};

// Throws Error if the options are unusable (vocabulary smaller than bytes + special tokens,
// minFrequency < 1, an empty or invalid special token) or a text is not valid UTF-8.
BpeTrainingResult trainByteLevelBpeWithStats(const std::vector<std::string> &texts, const BpeTrainingOptions &options);

inline ByteLevelBpeSpec trainByteLevelBpe(const std::vector<std::string> &texts, const BpeTrainingOptions &options)
{
    return trainByteLevelBpeWithStats(texts, options).spec;
}

} // namespace tokenscope
