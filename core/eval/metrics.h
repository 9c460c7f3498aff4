// SPDX-License-Identifier: MIT
#pragma once

// Answer-quality metrics of the sweep engine. Each follows the harness we compare against
// (lmms-eval; VLMEvalKit agrees unless noted) so that a sweep's numbers line up with published
// ones. Per-sample scores lie in [0, 1]; a dataset line names its metric with metricName().

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

enum class Metric { ExactMatch, VqaAccuracy, Anls, RelaxedAccuracy, Mme };

inline constexpr std::array<Metric, 5> kAllMetrics{Metric::ExactMatch, Metric::VqaAccuracy, Metric::Anls,
                                                   Metric::RelaxedAccuracy, Metric::Mme};

// "exact_match", "vqa_accuracy", "anls", "relaxed_accuracy", "mme" — the names used in dataset
// files and result JSONL. parseMetric() is exact (case-sensitive) and returns nullopt for anything
// else; callers raise Error naming their file and line, listing metricNames().
std::string_view metricName(Metric metric);
std::optional<Metric> parseMetric(std::string_view name);
std::string metricNames();   // "exact_match, vqa_accuracy, anls, relaxed_accuracy, mme"

// Score of `prediction` against the ground-truth `answers`, in [0, 1], with the metric's default
// parameters. No answers scores 0, except that Mme requires one (see mmeCorrect()).
double scoreAnswer(Metric metric, std::string_view prediction, const std::vector<std::string> &answers);

// 1 if normalizeExactMatch(prediction) equals that of any answer (lmms-eval's exact_match with
// ignore_case and ignore_punctuation, plus whitespace trimming), else 0.
double exactMatch(std::string_view prediction, const std::vector<std::string> &answers);

// VQA accuracy after normalizeVqaAnswer(): for each answer i, min(1, matches among the other
// answers / 3), averaged over i. With 10 answers, k matches give 0, .3, .6, .9, 1 for k = 0..4.
// With a single answer the leave-one-out rule would always give 0, so it scores 1 on a match
// instead (lmms-eval would report 0 there).
double vqaAccuracy(std::string_view prediction, const std::vector<std::string> &answers);

// ANLS (DocVQA): max over answers of 1 - Levenshtein / max length, computed on code points of
// normalizeAnls() strings; a best value below `threshold` scores 0.
double anls(std::string_view prediction, const std::vector<std::string> &answers, double threshold = 0.5);

// Relaxed accuracy (ChartQA): when both parse as numbers (a trailing "%" divides by 100) and the
// answer is not 0, correct if |pred - answer| / |answer| <= tolerance; otherwise a
// case-insensitive comparison of the trimmed strings. 1 if any answer is correct.
double relaxedAccuracy(std::string_view prediction, const std::vector<std::string> &answers,
                       double tolerance = 0.05);

// Python's float() grammar (sign, decimals, exponent, inf, nan; surrounding whitespace), with an
// optional trailing "%" dividing by 100. Locale-independent. nullopt when not a number.
std::optional<double> parseChartNumber(std::string_view text);

// --- MME -------------------------------------------------------------------------------------------

enum class YesNo { Yes, No, Other };

// lmms-eval's parse_pred_ans: lower-case, trim, delete "."; "yes"/"no" exactly; a single "y"/"n";
// otherwise "yes" (then "no") anywhere in the first 4 characters, e.g. "no, it is not" -> No,
// "not sure" -> No; anything else is Other.
YesNo parseYesNo(std::string_view prediction);

// Whether `prediction` answers an MME question whose ground truth is answers[0] ("Yes"/"No",
// any case, "." ignored). Throws Error when answers is empty or the truth is neither.
bool mmeCorrect(std::string_view prediction, const std::vector<std::string> &answers);

enum class MmeGroup { Perception, Cognition, Other };

// Perception: existence, count, position, color, posters, celebrity, scene, landmark, artwork,
// OCR. Cognition: commonsense_reasoning, numerical_calculation, text_translation, code_reasoning.
// Names are matched exactly, as in the MME data.
MmeGroup mmeGroup(std::string_view category);

struct MmeQuestion {
    std::string category;
    std::string imageKey;   // MME asks 2 questions per image; acc+ groups by this key
    bool correct = false;
};

struct MmeCategoryScore {
    std::string category;
    double acc = 0.0;       // fraction of questions answered correctly
    double accPlus = 0.0;   // fraction of images whose questions are all correct
    double score = 0.0;     // (acc + accPlus) * 100, at most 200
    int questions = 0;
    int images = 0;
};

struct MmeScores {
    // The 14 known categories in the order listed at mmeGroup() (those present), then unknown
    // ones in order of first appearance.
    std::vector<MmeCategoryScore> categories;
    double perception = 0.0;   // sum of perception category scores (max 2000)
    double cognition = 0.0;    // sum of cognition category scores (max 800)
};

// Per-category acc / acc+ and the perception and cognition sums. Unknown categories are reported
// but counted in neither sum (lmms-eval would add them to cognition). Images need not hold
// exactly 2 questions: acc counts questions, acc+ counts images, which equals lmms-eval's
// per-image average whenever every image has 2 questions (it asserts that).
MmeScores mmeScores(const std::vector<MmeQuestion> &questions);

} // namespace tokenscope
