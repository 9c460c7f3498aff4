// SPDX-License-Identifier: MIT
#pragma once

// Summary statistics of a budget sweep: one row per (method, budget, metric) with the mean score,
// a bootstrap 95% interval, the score relative to the full-token reference, token counts and
// median latencies; writers for JSON (lmms-eval-like), CSV and a terminal table; and the
// quality–latency Pareto front used by the plots.

#include "eval/sample_record.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

// The full-token reference that relativeToFull divides by: records of this method at this budget.
inline constexpr const char *kReferenceMethod = "none";
inline constexpr double kReferenceBudget = 1.0;

struct SummaryOptions {
    int resamples = 1000;                       // bootstrap resamples per row
    std::uint64_t seed = 0x70'6b'65'6e'53'63'6f'70;  // fixed: the same records give the same interval
    double confidence = 0.95;                   // central percentile interval
};

struct SummaryRow {
    std::string method;
    double budget = 0.0;
    std::string metric;
    int samples = 0;
    double meanScore = 0.0, ciLow = 0.0, ciHigh = 0.0;
    // Mean score / mean of the full-token reference, both over the doc ids the two share
    // (equal to meanScore / reference mean when the reference covers every sample); NaN if no
    // reference record shares a doc id with this row, or the reference mean is 0.
    double relativeToFull = 0.0;
    double meanKeptTokens = 0.0;
    double meanKeptFraction = 0.0;              // per-sample kept/visual, averaged; NaN if no visual tokens
    double medianPrefillMs = 0.0, medianTotalMs = 0.0;   // latency_ms "prefill"/"total"; NaN if absent
    // The speed-up these tokens can give at most: summed analytic FLOPs of the all-kept runs over
    // this row's (records' "flops"), over the LLM and over the whole prefill; NaN without them.
    double llmBound = 0.0, prefillBound = 0.0;
    // Measured LLM-prefill speed-up (the reference row's median prefill ms over this row's, same
    // metric) and its share of llmBound; NaN without a reference row.
    double measuredLlmSpeedup = 0.0, measuredOverBound = 0.0;
    // MME's summed category scores when metric is "mme", NaN otherwise.
    double mmePerception = 0.0, mmeCognition = 0.0;
};

// Groups records by (method, budget, metric). Each group's interval comes from its own generator
// seeded with options.seed, so a row does not change when other rows are added. Rows are sorted
// by method ("none" first, then alphabetical), budget descending, then metric.
// Throws tokenscope::Error for options out of range.
std::vector<SummaryRow> summarize(const std::vector<SampleRecord> &records, const SummaryOptions &options = {});

// Indices of the rows not dominated in (lower medianTotalMs, higher meanScore), ordered by
// latency ascending (ties: higher score first). Rows with a NaN latency or score are left out;
// identical points are all kept.
std::vector<std::size_t> paretoFront(const std::vector<SummaryRow> &rows);

// {"results": {"<method>@<budget>": {"alias", "<metric>,none", "<metric>_ci95_low,none", …}},
//  "rows": [{every SummaryRow field}]}; NaN is written as null. Throws Error naming the path.
void writeSummaryJson(const std::filesystem::path &path, const std::vector<SummaryRow> &rows);

// A header line and one line per row, RFC 4180 (CRLF line ends, fields with , " CR LF quoted and
// quotes doubled); NaN is an empty field. Throws Error naming the path.
void writeSummaryCsv(const std::filesystem::path &path, const std::vector<SummaryRow> &rows);

// Fixed-width text table for the terminal, one line per row after a header, ending in '\n'.
std::string summaryTable(const std::vector<SummaryRow> &rows);

} // namespace tokenscope
