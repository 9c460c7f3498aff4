// SPDX-License-Identifier: MIT
#include "eval/sweep_summary.h"

#include "common/error.h"
#include "eval/csv.h"
#include "eval/metrics.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

using nlohmann::ordered_json;

namespace tokenscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// --- statistics ------------------------------------------------------------------------------------

double mean(const std::vector<double> &values)
{
    if (values.empty())
        return kNaN;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double median(std::vector<double> values)
{
    if (values.empty())
        return kNaN;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
}

// Linear interpolation between order statistics of sorted values (R's type 7, numpy's default).
double quantile(const std::vector<double> &sorted, double q)
{
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Uniform in [0, n) from raw 64-bit draws, rejecting the low 2^64 mod n values so every index is
// equally likely. Written out because std::uniform_int_distribution's output differs between
// standard libraries, and the interval must be the same on every platform.
std::uint64_t uniformIndex(std::mt19937_64 &generator, std::uint64_t n)
{
    const std::uint64_t rejectBelow = (0 - n) % n;   // == 2^64 mod n
    for (;;) {
        const std::uint64_t draw = generator();
        if (draw >= rejectBelow)
            return draw % n;
    }
}

// Percentile bootstrap of the mean.
std::pair<double, double> bootstrapInterval(const std::vector<double> &scores, const SummaryOptions &options)
{
    const std::uint64_t n = scores.size();
    if (n == 1)
        return {scores.front(), scores.front()};
    std::mt19937_64 generator(options.seed);
    std::vector<double> means(static_cast<std::size_t>(options.resamples));
    for (double &resampleMean : means) {
        double sum = 0.0;
        for (std::uint64_t i = 0; i < n; ++i)
            sum += scores[uniformIndex(generator, n)];
        resampleMean = sum / static_cast<double>(n);
    }
    std::sort(means.begin(), means.end());
    const double tail = (1.0 - options.confidence) / 2.0;
    return {quantile(means, tail), quantile(means, 1.0 - tail)};
}

// --- grouping ----------------------------------------------------------------------------------------

struct GroupKey {
    std::string method;
    double budget;
    std::string metric;
};

// Output order: the reference method first, then alphabetical; larger budgets first; metric.
bool rowOrder(const GroupKey &a, const GroupKey &b)
{
    const bool aReference = a.method == kReferenceMethod;
    const bool bReference = b.method == kReferenceMethod;
    if (aReference != bReference)
        return aReference;
    if (a.method != b.method)
        return a.method < b.method;
    if (a.budget != b.budget)
        return a.budget > b.budget;
    return a.metric < b.metric;
}

struct KeyLess {
    bool operator()(const GroupKey &a, const GroupKey &b) const { return rowOrder(a, b); }
};

using Groups = std::map<GroupKey, std::vector<const SampleRecord *>, KeyLess>;

// Reference score per (metric, doc id).
using ReferenceScores = std::map<std::pair<std::string, std::string>, double>;

ReferenceScores referenceScores(const std::vector<SampleRecord> &records)
{
    ReferenceScores scores;
    for (const SampleRecord &record : records)
        if (record.method == kReferenceMethod && record.budget == kReferenceBudget)
            scores[{record.metric, record.docId}] = record.score;
    return scores;
}

double relativeToReference(const std::vector<const SampleRecord *> &group, const ReferenceScores &reference)
{
    std::vector<double> own, full;
    for (const SampleRecord *record : group) {
        const auto it = reference.find({record->metric, record->docId});
        if (it == reference.end())
            continue;
        own.push_back(record->score);
        full.push_back(it->second);
    }
    const double fullMean = mean(full);
    if (full.empty() || fullMean == 0.0)
        return kNaN;
    return mean(own) / fullMean;
}

std::vector<double> latencies(const std::vector<const SampleRecord *> &group, const std::string &stage)
{
    std::vector<double> values;
    for (const SampleRecord *record : group) {
        const auto it = record->latencyMs.find(stage);
        if (it != record->latencyMs.end() && !std::isnan(it->second))
            values.push_back(it->second);
    }
    return values;
}

// Σ numerator / Σ denominator over the records that carry both (analytic FLOPs), NaN if none do.
double flopsRatio(const std::vector<const SampleRecord *> &group, const std::string &numerator, const std::string &denominator)
{
    double top = 0, bottom = 0;
    for (const SampleRecord *record : group) {
        const auto n = record->flops.find(numerator), d = record->flops.find(denominator);
        if (n != record->flops.end() && d != record->flops.end()) {
            top += n->second;
            bottom += d->second;
        }
    }
    return bottom > 0 ? top / bottom : kNaN;
}

// MME's perception/cognition sums for an "mme" group, NaN for other metrics. A record's score is
// 1 or 0 (mmeCorrect); its image path is the key that pairs MME's two questions per image.
std::pair<double, double> mmeSums(const std::string &metric, const std::vector<const SampleRecord *> &group)
{
    if (metric != metricName(Metric::Mme))
        return {kNaN, kNaN};
    std::vector<MmeQuestion> questions;
    for (const SampleRecord *record : group)
        questions.push_back({record->category, record->image, record->score >= 0.5});
    const MmeScores scores = mmeScores(questions);
    return {scores.perception, scores.cognition};
}

SummaryRow summarizeGroup(const GroupKey &key, const std::vector<const SampleRecord *> &group,
                          const ReferenceScores &reference, const SummaryOptions &options)
{
    std::vector<double> scores, kept, fractions;
    for (const SampleRecord *record : group) {
        scores.push_back(record->score);
        kept.push_back(record->keptTokens);
        if (record->visualTokens > 0)
            fractions.push_back(static_cast<double>(record->keptTokens) / record->visualTokens);
    }

    SummaryRow row;
    row.method = key.method;
    row.budget = key.budget;
    row.metric = key.metric;
    row.samples = static_cast<int>(group.size());
    row.meanScore = mean(scores);
    std::tie(row.ciLow, row.ciHigh) = bootstrapInterval(scores, options);
    row.relativeToFull = relativeToReference(group, reference);
    row.meanKeptTokens = mean(kept);
    row.meanKeptFraction = mean(fractions);
    row.medianPrefillMs = median(latencies(group, "prefill"));
    row.medianTotalMs = median(latencies(group, "total"));
    row.llmBound = flopsRatio(group, "llm_full", "llm_plan");
    row.prefillBound = flopsRatio(group, "full", "plan");
    std::tie(row.mmePerception, row.mmeCognition) = mmeSums(key.metric, group);
    return row;
}

// --- formatting ----------------------------------------------------------------------------------------

// Shortest text that reads back as the same double.
std::string exactNumber(double value)
{
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
}

std::string fixed(double value, int decimals)
{
    if (std::isnan(value))
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string budgetText(double budget)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", budget);
    return text;
}

ordered_json number(double value)
{
    return std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr);
}


std::string csvNumber(double value)
{
    return std::isnan(value) ? std::string() : exactNumber(value);
}

void writeFile(const std::filesystem::path &path, const std::string &content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error(path, "cannot open for writing");
    out << content;
    out.close();
    if (!out)
        throw Error(path, "write failed");
}

ordered_json rowJson(const SummaryRow &row)
{
    return ordered_json{
        {"method", row.method},
        {"budget", number(row.budget)},
        {"metric", row.metric},
        {"samples", row.samples},
        {"mean_score", number(row.meanScore)},
        {"ci_low", number(row.ciLow)},
        {"ci_high", number(row.ciHigh)},
        {"relative_to_full", number(row.relativeToFull)},
        {"mean_kept_tokens", number(row.meanKeptTokens)},
        {"mean_kept_fraction", number(row.meanKeptFraction)},
        {"median_prefill_ms", number(row.medianPrefillMs)},
        {"median_total_ms", number(row.medianTotalMs)},
        {"llm_bound", number(row.llmBound)},
        {"prefill_bound", number(row.prefillBound)},
        {"measured_llm_speedup", number(row.measuredLlmSpeedup)},
        {"measured_over_bound", number(row.measuredOverBound)},
        {"mme_perception", number(row.mmePerception)},
        {"mme_cognition", number(row.mmeCognition)},
    };
}

// lmms-eval's "results" entry: "<metric>,<filter>" keys; we have no filters, hence "none".
void addResults(ordered_json &entry, const SummaryRow &row)
{
    const std::string &m = row.metric;
    entry[m + ",none"] = number(row.meanScore);
    entry[m + "_ci95_low,none"] = number(row.ciLow);
    entry[m + "_ci95_high,none"] = number(row.ciHigh);
    entry[m + "_relative_to_full,none"] = number(row.relativeToFull);
    if (!std::isnan(row.mmePerception))
        entry["mme_perception_score,none"] = number(row.mmePerception);
    if (!std::isnan(row.mmeCognition))
        entry["mme_cognition_score,none"] = number(row.mmeCognition);
    entry["samples"] = row.samples;
}

} // namespace

std::vector<SummaryRow> summarize(const std::vector<SampleRecord> &records, const SummaryOptions &options)
{
    if (options.resamples < 1)
        throw Error("summary options", "resamples must be at least 1, got " + std::to_string(options.resamples));
    if (!(options.confidence > 0.0 && options.confidence < 1.0))
        throw Error("summary options", "confidence must lie in (0, 1), got " + std::to_string(options.confidence));

    Groups groups;
    for (const SampleRecord &record : records)
        groups[{record.method, record.budget, record.metric}].push_back(&record);

    const ReferenceScores reference = referenceScores(records);
    std::vector<SummaryRow> rows;
    for (auto &[key, group] : groups) {
        // Resample in doc-id order: merged shards then give the same interval as one process.
        std::stable_sort(group.begin(), group.end(),
                         [](const SampleRecord *a, const SampleRecord *b) { return a->docId < b->docId; });
        rows.push_back(summarizeGroup(key, group, reference, options));
    }
    // Measured against the full-token reference row of the same metric.
    std::map<std::string, double> referencePrefill;
    for (const SummaryRow &row : rows)
        if (row.method == kReferenceMethod && row.budget == kReferenceBudget)
            referencePrefill[row.metric] = row.medianPrefillMs;
    for (SummaryRow &row : rows) {
        row.measuredLlmSpeedup = row.measuredOverBound = kNaN;
        const auto full = referencePrefill.find(row.metric);
        if (full != referencePrefill.end() && row.medianPrefillMs > 0) {
            row.measuredLlmSpeedup = full->second / row.medianPrefillMs;
            row.measuredOverBound = row.measuredLlmSpeedup / row.llmBound;
        }
    }
    return rows;
}

std::vector<std::size_t> paretoFront(const std::vector<SummaryRow> &rows)
{
    const auto usable = [](const SummaryRow &row) {
        return !std::isnan(row.medianTotalMs) && !std::isnan(row.meanScore);
    };
    // b dominates a: no slower, no worse, and strictly better in one.
    const auto dominates = [](const SummaryRow &b, const SummaryRow &a) {
        return b.medianTotalMs <= a.medianTotalMs && b.meanScore >= a.meanScore &&
               (b.medianTotalMs < a.medianTotalMs || b.meanScore > a.meanScore);
    };

    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!usable(rows[i]))
            continue;
        const bool dominated = std::any_of(rows.begin(), rows.end(), [&](const SummaryRow &other) {
            return usable(other) && dominates(other, rows[i]);
        });
        if (!dominated)
            front.push_back(i);
    }
    std::stable_sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
        if (rows[a].medianTotalMs != rows[b].medianTotalMs)
            return rows[a].medianTotalMs < rows[b].medianTotalMs;
        return rows[a].meanScore > rows[b].meanScore;
    });
    return front;
}

void writeSummaryJson(const std::filesystem::path &path, const std::vector<SummaryRow> &rows)
{
    ordered_json results = ordered_json::object();
    ordered_json rowList = ordered_json::array();
    for (const SummaryRow &row : rows) {
        const std::string task = row.method + "@" + budgetText(row.budget);
        ordered_json &entry = results[task];
        entry["alias"] = task;
        addResults(entry, row);
        rowList.push_back(rowJson(row));
    }
    const ordered_json document{{"results", results}, {"rows", rowList}};
    writeFile(path, document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n");
}

void writeSummaryCsv(const std::filesystem::path &path, const std::vector<SummaryRow> &rows)
{
    std::string csv = csvRecord({"method", "budget", "metric", "samples", "mean_score", "ci_low", "ci_high",
                                 "relative_to_full", "mean_kept_tokens", "mean_kept_fraction", "median_prefill_ms",
                                 "median_total_ms", "llm_bound", "prefill_bound", "measured_llm_speedup",
                                 "measured_over_bound", "mme_perception", "mme_cognition"});
    for (const SummaryRow &row : rows)
        csv += csvRecord({row.method, csvNumber(row.budget), row.metric, std::to_string(row.samples),
                          csvNumber(row.meanScore), csvNumber(row.ciLow), csvNumber(row.ciHigh),
                          csvNumber(row.relativeToFull), csvNumber(row.meanKeptTokens), csvNumber(row.meanKeptFraction),
                          csvNumber(row.medianPrefillMs), csvNumber(row.medianTotalMs), csvNumber(row.llmBound),
                          csvNumber(row.prefillBound), csvNumber(row.measuredLlmSpeedup), csvNumber(row.measuredOverBound),
                          csvNumber(row.mmePerception), csvNumber(row.mmeCognition)});
    writeFile(path, csv);
}

namespace {

// "[low, high]", appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
// "[" + std::string temporaries.
std::string interval(double low, double high)
{
    std::string text = "[";
    text += fixed(low, 4);
    text += ", ";
    text += fixed(high, 4);
    text += "]";
    return text;
}

} // namespace

std::string summaryTable(const std::vector<SummaryRow> &rows)
{
    std::vector<std::vector<std::string>> cells{
        {"method", "budget", "metric", "n", "score", "95% CI", "rel.full", "kept tok", "kept %", "prefill ms", "total ms",
         "LLM bound", "meas/bound"}};
    for (const SummaryRow &row : rows)
        cells.push_back({row.method, budgetText(row.budget), row.metric, std::to_string(row.samples),
                         fixed(row.meanScore, 4), interval(row.ciLow, row.ciHigh),
                         fixed(row.relativeToFull, 3), fixed(row.meanKeptTokens, 1),
                         fixed(row.meanKeptFraction * 100.0, 1), fixed(row.medianPrefillMs, 1),
                         fixed(row.medianTotalMs, 1), fixed(row.llmBound, 2), fixed(row.measuredOverBound, 2)});

    std::vector<std::size_t> widths(cells.front().size(), 0);
    for (const auto &line : cells)
        for (std::size_t c = 0; c < line.size(); ++c)
            widths[c] = std::max(widths[c], line[c].size());

    // Text columns (method, metric) align left, numbers right.
    const auto leftAligned = [](std::size_t column) { return column == 0 || column == 2; };
    std::string table;
    for (const auto &line : cells) {
        std::string text;
        for (std::size_t c = 0; c < line.size(); ++c) {
            const std::string pad(widths[c] - line[c].size(), ' ');
            text += (c ? "  " : "") + (leftAligned(c) ? line[c] + pad : pad + line[c]);
        }
        text.erase(text.find_last_not_of(' ') + 1);
        table += text + '\n';
    }
    return table;
}

} // namespace tokenscope
