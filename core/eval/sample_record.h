// SPDX-License-Identifier: MIT
#pragma once

// One finished (method, budget, sample) cell of a sweep: what the JSONL results file holds, one
// line each. Field names follow lmms-eval's --log_samples records (doc_id, input, target,
// filtered_resps, the metric) plus TokenScope's compression and latency fields.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

struct SampleRecord {
    // The cell's identity: a sweep writes each (method, budget, docId) once.
    std::string method;                 // catalog name, e.g. "visionselector", "vir+divprune"
    double budget = 1.0;
    std::string docId;

    std::string input;                  // the question as asked
    std::vector<std::string> target;    // ground-truth answers
    std::string response;               // the model's answer (filtered_resps[0])
    std::string metric;                 // metric name; `score` is its value for this sample
    double score = 0.0;
    std::string category;
    std::string image;                  // as written in the dataset (relative path)

    int visualTokens = 0;               // produced by the connectors (all tiles at 1/4)
    int keptTokens = 0;                 // sent to the LLM
    std::vector<double> tileRatios;     // per tile: 0.25 or 0.0625
    std::map<std::string, double> latencyMs;   // "tiling", "encoder", …, "prefill", "decode", "total"
    // Analytic prefill FLOPs (pipeline/prefill_flops.h): "full" and "plan" over the whole
    // prefill, "llm_full" and "llm_plan" over the LLM; empty in records written before them.
    std::map<std::string, double> flops;
    std::string device;
    std::string dtype;

    // The key that identifies a cell across shards and restarts.
    std::string cellKey() const { return cellKeyOf(method, budget, docId); }
    static std::string cellKeyOf(const std::string &method, double budget, const std::string &docId);
};

// One JSON object on one line (no trailing newline; strings are escaped, so none inside).
// Keys: doc_id, input, target [..], filtered_resps [response], metric, <metric>: score, method,
// budget, category, image, visual_tokens, kept_tokens, kept_fraction (derived, null when
// visual_tokens is 0), tile_ratios, latency_ms {stage: ms}, flops {full, plan, llm_full, llm_plan},
// device, dtype. Doubles are written in
// the shortest form that reads back bit-exactly; NaN is written as null. Invalid UTF-8 (a
// response cut mid-character) is replaced by U+FFFD rather than failing the whole sweep.
// Throws tokenscope::Error if the metric name is empty or collides with one of the keys above.
std::string toJsonLine(const SampleRecord &record);

// Parses one line written by toJsonLine. doc_id may also be a number and target a single string
// (lmms-eval's own sample logs); kept_fraction is derived and ignored. Required: doc_id, method,
// budget, metric and the metric's value; the rest default when absent. Throws
// tokenscope::Error(source, problem) naming the offending field.
SampleRecord recordFromJson(std::string_view line, const std::string &source);

// A results file as found on disk, possibly cut short by a killed run.
struct RecordFile {
    std::vector<SampleRecord> records;
    // Bytes [0, validBytes) hold complete records; truncating the file here before appending
    // drops an interrupted tail line. Equals the file size when nothing was dropped.
    std::uintmax_t validBytes = 0;
    int droppedLine = 0;          // 1-based line number of the dropped tail, 0 if none
};

// Reads a JSONL results file (blank lines allowed). A record counts only once its terminating
// newline is on disk: the writer appends "line\n", so a missing newline means the write was
// interrupted. The last non-blank line is dropped (not an error) when it is unterminated or
// malformed (kill -9 mid-write, or a crash leaving a NUL-filled tail); a malformed line before
// it throws tokenscope::Error naming "file:line". A missing or unreadable file throws too.
RecordFile readRecords(const std::filesystem::path &path);

} // namespace tokenscope
