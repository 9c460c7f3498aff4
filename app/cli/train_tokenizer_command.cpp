// SPDX-License-Identifier: MIT
// tokenscope-cli train-tokenizer --data FILE.jsonl[,FILE2...] --out tokenizer.json
//   [--vocab 2048] [--min-frequency 2]
// Trains a byte-level BPE tokenizer on a task's questions and answers, wrapped in the chat template
// the engine builds around them, writes it, and checks that the engine's tokenizer loads the file
// and gives every training text back.
#include "command_line.h"
#include "commands.h"

#include "common/error.h"
#include "eval/dataset.h"
#include "pipeline/chat_template.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>

namespace tokenscope::cli {

namespace {

std::vector<std::string> splitList(const std::string &list)
{
    std::vector<std::string> items;
    std::stringstream stream(list);
    std::string item;
    while (std::getline(stream, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

// Each question as the engine prompts it (system message, roles, newlines, one image slot) and
// each distinct answer as the model must generate it (followed by <|im_end|>), so the template's
// text and the answers both become few tokens.
std::vector<std::string> trainingTexts(const std::vector<std::string> &files)
{
    std::vector<std::string> texts;
    for (const auto &file : files) {
        const Dataset dataset = loadDataset(file);
        for (const EvalSample &sample : dataset.samples) {
            texts.push_back(buildChatPrompt(sample.question, 1));
            const std::set<std::string> answers(sample.answers.begin(), sample.answers.end());
            for (const auto &answer : answers)
                texts.push_back(answer + std::string(kImEnd));
        }
    }
    return texts;
}

struct Verification {
    std::size_t bytes = 0;
    std::size_t tokens = 0;   // special tokens included, as the engine sees them
};

// Loads the written file with the engine's tokenizer and checks every text round-trips.
Verification verifyTokenizer(const std::filesystem::path &out, const std::vector<std::string> &texts)
{
    const Tokenizer tokenizer = Tokenizer::fromFile(out);
    Verification v;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto ids = tokenizer.encode(texts[i]);
        v.bytes += texts[i].size();
        v.tokens += ids.size();
        if (tokenizer.decode(ids) != texts[i])
            throw Error(out, "does not give training text " + std::to_string(i) + " back: '" + texts[i] + "'");
    }
    return v;
}

} // namespace

int trainTokenizerCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("train-tokenizer", args, {"data", "out", "vocab", "min-frequency"}, {});
    const auto files = splitList(cl.required("data"));
    if (files.empty())
        throw UsageError("train-tokenizer: --data needs at least one file");
    const std::filesystem::path out = cl.required("out");
    BpeTrainingOptions options;
    options.vocabSize = cl.integer("vocab", 2048);
    options.minFrequency = cl.integer("min-frequency", 2);
    options.specialTokens = internVLSpecialTokens();

    const auto texts = trainingTexts(files);
    const auto start = std::chrono::steady_clock::now();
    const BpeTrainingResult result = trainByteLevelBpeWithStats(texts, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writeByteLevelBpeTokenizer(out, result.spec);
    const Verification check = verifyTokenizer(out, texts);

    const auto &s = result.stats;
    const std::size_t vocab = 256 + result.spec.merges.size() + result.spec.specialTokens.size();
    std::printf("trained on %zu texts (%.2f MB, %llu pieces, %llu distinct) in %.2f s (%.2f MB/s)\n", texts.size(),
                double(s.inputBytes) / 1e6, static_cast<unsigned long long>(s.pieces),
                static_cast<unsigned long long>(s.uniquePieces), seconds,
                seconds > 0 ? double(s.inputBytes) / 1e6 / seconds : 0.0);
    std::printf("vocabulary %zu = 256 bytes + %zu merges + %zu special tokens (stopped: %s)\n", vocab,
                result.spec.merges.size(), result.spec.specialTokens.size(), s.stopReason.c_str());
    std::printf("%.1f tokens per text on average, %.2f bytes per token\n",
                texts.empty() ? 0.0 : double(check.tokens) / double(texts.size()),
                check.tokens > 0 ? double(check.bytes) / double(check.tokens) : 0.0);
    std::printf("wrote %s (loads and round-trips every training text)\n", out.string().c_str());
    return 0;
}

} // namespace tokenscope::cli
