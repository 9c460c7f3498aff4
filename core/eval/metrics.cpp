// SPDX-License-Identifier: MIT
#include "eval/metrics.h"

#include "common/error.h"
#include "eval/answer_normalization.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace tokenscope {

namespace {

constexpr std::array<std::string_view, 10> kPerceptionCategories{
    "existence", "count", "position", "color", "posters", "celebrity", "scene", "landmark", "artwork", "OCR"};
constexpr std::array<std::string_view, 4> kCognitionCategories{
    "commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning"};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::size_t skipDigits(std::string_view text, std::size_t pos)
{
    while (pos < text.size() && isDigit(text[pos]))
        ++pos;
    return pos;
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
               return lower(x) == lower(y);
           });
}

// Python float() of an already trimmed string; underscores between digits are not accepted.
std::optional<double> parsePythonFloat(std::string_view text)
{
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const double sign = negative ? -1.0 : 1.0;
    if (equalsIgnoringAsciiCase(text, "inf") || equalsIgnoringAsciiCase(text, "infinity"))
        return sign * std::numeric_limits<double>::infinity();
    if (equalsIgnoringAsciiCase(text, "nan"))
        return std::numeric_limits<double>::quiet_NaN();

    // digits [. digits] | . digits, then an optional exponent; nothing else.
    const std::size_t integerEnd = skipDigits(text, 0);
    std::size_t pos = integerEnd;
    bool hasDigits = integerEnd > 0;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t fractionEnd = skipDigits(text, pos + 1);
        hasDigits = hasDigits || fractionEnd > pos + 1;
        pos = fractionEnd;
    }
    if (!hasDigits)
        return std::nullopt;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        std::size_t exponent = pos + 1;
        if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-'))
            ++exponent;
        const std::size_t exponentEnd = skipDigits(text, exponent);
        if (exponentEnd == exponent)
            return std::nullopt;
        pos = exponentEnd;
    }
    if (pos != text.size())
        return std::nullopt;

    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    // Out-of-range magnitudes (1e999) are left unparsed: they would score wrong either way.
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return sign * value;
}

bool relaxedCorrect(std::string_view prediction, std::string_view answer, double tolerance)
{
    const std::optional<double> predicted = parseChartNumber(prediction);
    const std::optional<double> expected = parseChartNumber(answer);
    // As in the reference, an answer of 0 (falsy in Python) falls through to the string rule.
    if (predicted && expected && *expected != 0.0)
        return std::abs(*predicted - *expected) / std::abs(*expected) <= tolerance;
    return lowerCase(trimWhitespace(prediction)) == lowerCase(trimWhitespace(answer));
}

// Edit distance over code points, one row of the dynamic-programming table at a time.
std::size_t levenshtein(const std::u32string &a, const std::u32string &b)
{
    const std::u32string &shorter = a.size() <= b.size() ? a : b;
    const std::u32string &longer = a.size() <= b.size() ? b : a;
    std::vector<std::size_t> row(shorter.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= longer.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= shorter.size(); ++j) {
            const std::size_t substitute = diagonal + (longer[i - 1] == shorter[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({substitute, row[j] + 1, row[j - 1] + 1});
        }
    }
    return row.back();
}

// lower-case, trim, delete every ".", as the reference does to both prediction and truth.
std::u32string mmeClean(std::string_view text)
{
    std::u32string cleaned = decodeUtf8(lowerCase(trimWhitespace(text)));
    cleaned.erase(std::remove(cleaned.begin(), cleaned.end(), U'.'), cleaned.end());
    return cleaned;
}

struct MmeTally {
    int questions = 0;
    int correct = 0;
    std::map<std::string, std::pair<int, int>> images;   // imageKey -> (questions, correct)
};

} // namespace

std::string_view metricName(Metric metric)
{
    switch (metric) {
    case Metric::ExactMatch: return "exact_match";
    case Metric::VqaAccuracy: return "vqa_accuracy";
    case Metric::Anls: return "anls";
    case Metric::RelaxedAccuracy: return "relaxed_accuracy";
    case Metric::Mme: return "mme";
    }
    return "unknown";
}

std::optional<Metric> parseMetric(std::string_view name)
{
    for (Metric metric : kAllMetrics)
        if (metricName(metric) == name)
            return metric;
    return std::nullopt;
}

std::string metricNames()
{
    std::string names;
    for (Metric metric : kAllMetrics) {
        if (!names.empty())
            names += ", ";
        names += metricName(metric);
    }
    return names;
}

double scoreAnswer(Metric metric, std::string_view prediction, const std::vector<std::string> &answers)
{
    switch (metric) {
    case Metric::ExactMatch: return exactMatch(prediction, answers);
    case Metric::VqaAccuracy: return vqaAccuracy(prediction, answers);
    case Metric::Anls: return anls(prediction, answers);
    case Metric::RelaxedAccuracy: return relaxedAccuracy(prediction, answers);
    case Metric::Mme: return mmeCorrect(prediction, answers) ? 1.0 : 0.0;
    }
    return 0.0;
}

double exactMatch(std::string_view prediction, const std::vector<std::string> &answers)
{
    const std::string predicted = normalizeExactMatch(prediction);
    const bool hit = std::any_of(answers.begin(), answers.end(),
                                 [&](const std::string &answer) { return normalizeExactMatch(answer) == predicted; });
    return hit ? 1.0 : 0.0;
}

double vqaAccuracy(std::string_view prediction, const std::vector<std::string> &answers)
{
    if (answers.empty())
        return 0.0;
    const std::string predicted = normalizeVqaAnswer(prediction);
    std::vector<bool> matches;
    matches.reserve(answers.size());
    for (const std::string &answer : answers)
        matches.push_back(normalizeVqaAnswer(answer) == predicted);
    if (answers.size() == 1)
        return matches.front() ? 1.0 : 0.0;

    const auto total = static_cast<int>(std::count(matches.begin(), matches.end(), true));
    double sum = 0.0;
    for (bool match : matches) {
        const int others = total - (match ? 1 : 0);   // matches among the other answers
        sum += std::min(1.0, others / 3.0);
    }
    return sum / static_cast<double>(answers.size());
}

double anls(std::string_view prediction, const std::vector<std::string> &answers, double threshold)
{
    const std::u32string predicted = decodeUtf8(normalizeAnls(prediction));
    const std::size_t predictionLength = decodeUtf8(prediction).size();
    double best = 0.0;
    for (const std::string &answer : answers) {
        // The divisor uses the un-normalised lengths, as lmms-eval's api/metrics.py anls() and
        // VLMEvalKit's anls_compute do (they measure len(s.upper()); we count code points).
        const std::size_t length = std::max(decodeUtf8(answer).size(), predictionLength);
        const std::size_t distance = levenshtein(decodeUtf8(normalizeAnls(answer)), predicted);
        const double similarity =
            length == 0 ? 1.0 : 1.0 - static_cast<double>(distance) / static_cast<double>(length);
        best = std::max(best, similarity);
    }
    return best < threshold ? 0.0 : best;
}

std::optional<double> parseChartNumber(std::string_view text)
{
    std::string trimmed = trimWhitespace(text);
    if (!trimmed.empty() && trimmed.back() == '%') {
        while (!trimmed.empty() && trimmed.back() == '%')
            trimmed.pop_back();
        const std::optional<double> value = parsePythonFloat(trimWhitespace(trimmed));
        return value ? std::optional<double>(*value / 100.0) : std::nullopt;
    }
    return parsePythonFloat(trimmed);
}

double relaxedAccuracy(std::string_view prediction, const std::vector<std::string> &answers, double tolerance)
{
    const bool hit = std::any_of(answers.begin(), answers.end(), [&](const std::string &answer) {
        return relaxedCorrect(prediction, answer, tolerance);
    });
    return hit ? 1.0 : 0.0;
}

YesNo parseYesNo(std::string_view prediction)
{
    const std::u32string cleaned = mmeClean(prediction);
    if (cleaned == U"yes")
        return YesNo::Yes;
    if (cleaned == U"no")
        return YesNo::No;
    if (cleaned.size() == 1)
        return cleaned == U"y" ? YesNo::Yes : cleaned == U"n" ? YesNo::No : YesNo::Other;
    const std::u32string_view prefix = std::u32string_view(cleaned).substr(0, 4);
    if (prefix.find(U"yes") != std::u32string_view::npos)
        return YesNo::Yes;
    if (prefix.find(U"no") != std::u32string_view::npos)
        return YesNo::No;
    return YesNo::Other;
}

bool mmeCorrect(std::string_view prediction, const std::vector<std::string> &answers)
{
    if (answers.empty())
        throw Error("mme", "a question has no ground-truth answer (expected \"Yes\" or \"No\")");
    const std::u32string truth = mmeClean(answers.front());
    if (truth != U"yes" && truth != U"no")
        throw Error("mme", "ground truth must be \"Yes\" or \"No\", got \"" + answers.front() + "\"");
    const YesNo expected = truth == U"yes" ? YesNo::Yes : YesNo::No;
    return parseYesNo(prediction) == expected;
}

MmeGroup mmeGroup(std::string_view category)
{
    if (std::find(kPerceptionCategories.begin(), kPerceptionCategories.end(), category) !=
        kPerceptionCategories.end())
        return MmeGroup::Perception;
    if (std::find(kCognitionCategories.begin(), kCognitionCategories.end(), category) != kCognitionCategories.end())
        return MmeGroup::Cognition;
    return MmeGroup::Other;
}

MmeScores mmeScores(const std::vector<MmeQuestion> &questions)
{
    // Known categories first, in the benchmark's order, then unknown ones as they appear.
    std::vector<std::string> order(kPerceptionCategories.begin(), kPerceptionCategories.end());
    order.insert(order.end(), kCognitionCategories.begin(), kCognitionCategories.end());
    std::map<std::string, MmeTally> tallies;
    for (const MmeQuestion &question : questions) {
        if (mmeGroup(question.category) == MmeGroup::Other && !tallies.count(question.category))
            order.push_back(question.category);
        MmeTally &tally = tallies[question.category];
        auto &[imageQuestions, imageCorrect] = tally.images[question.imageKey];
        ++tally.questions;
        ++imageQuestions;
        if (question.correct) {
            ++tally.correct;
            ++imageCorrect;
        }
    }

    MmeScores scores;
    for (const std::string &category : order) {
        const auto found = tallies.find(category);
        if (found == tallies.end())
            continue;
        const MmeTally &tally = found->second;
        const auto perfect = std::count_if(tally.images.begin(), tally.images.end(), [](const auto &image) {
            return image.second.first == image.second.second;
        });
        MmeCategoryScore entry;
        entry.category = category;
        entry.questions = tally.questions;
        entry.images = static_cast<int>(tally.images.size());
        entry.acc = static_cast<double>(tally.correct) / tally.questions;
        entry.accPlus = static_cast<double>(perfect) / entry.images;
        entry.score = (entry.acc + entry.accPlus) * 100.0;
        switch (mmeGroup(category)) {
        case MmeGroup::Perception: scores.perception += entry.score; break;
        case MmeGroup::Cognition: scores.cognition += entry.score; break;
        case MmeGroup::Other: break;
        }
        scores.categories.push_back(std::move(entry));
    }
    return scores;
}

} // namespace tokenscope
