// SPDX-License-Identifier: MIT
#include "train/training_set.h"

#include "common/error.h"
#include "eval/dataset.h"

namespace tokenscope {

std::size_t TrainingSet::questionCount() const
{
    std::size_t n = 0;
    for (const TrainingImage &image : images)
        n += image.questions.size();
    return n;
}

namespace {

std::vector<TokenId> answerTokens(const EvalSample &sample, const std::string &where, const Tokenizer &tokenizer,
                                  const AnswerRules &rules)
{
    const std::string &answer = sample.answers.front();
    if (answer.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(where, "answer is empty: there is nothing to train on");
    std::vector<TokenId> ids;
    try {
        ids = tokenizer.encode(answer);
    } catch (const Error &e) {
        throw Error(where, "answer '" + answer + "' cannot be tokenised: " + e.problem());
    }
    for (TokenId id : ids) {
        if (tokenizer.isSpecial(id))
            throw Error(where, "answer '" + answer + "' contains the special token '" + tokenizer.idToToken(id) +
                                   "', which the model cannot produce as answer text");
        if (id >= rules.vocabSize)
            throw Error(where, "answer '" + answer + "' tokenises to id " + std::to_string(id) +
                                   ", beyond the model's vocabulary of " + std::to_string(rules.vocabSize));
    }
    if (int(ids.size()) > rules.maxAnswerTokens)
        throw Error(where, "answer '" + answer + "' is " + std::to_string(ids.size()) + " tokens long (at most " +
                               std::to_string(rules.maxAnswerTokens) + " are trained; raise --max-answer-tokens)");
    ids.push_back(rules.endOfTurn);
    return ids;
}

} // namespace

TrainingSet loadTrainingSet(const std::filesystem::path &file, const Tokenizer &tokenizer, const AnswerRules &rules)
{
    const Dataset dataset = loadDataset(file);
    TrainingSet set;
    set.file = file;
    for (const EvalSample &sample : dataset.samples) {
        const std::string where = file.string() + ":" + std::to_string(sample.line);
        TrainingQuestion q{sample.question, answerTokens(sample, where, tokenizer, rules), sample.category, sample.tile,
                           sample.line};
        if (set.images.empty() || set.images.back().path != sample.image)
            set.images.push_back({sample.image, {}});
        set.images.back().questions.push_back(std::move(q));
    }
    if (set.images.empty())
        throw Error(file, "holds no questions");
    return set;
}

} // namespace tokenscope
