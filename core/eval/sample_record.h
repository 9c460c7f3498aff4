// SPDX-License-Identifier: MIT
#pragma once

// One finished (method, budget, sample) cell of a sweep: what the JSONL results file holds, one
// line each. Field names follow lmms-eval's --log_samples records (doc_id, input, target,
// filtered_resps, the metric) plus TokenScope's compression and latency fields.

#include <map>
#include <string>
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
    std::string device;
    std::string dtype;

    // The key that identifies a cell across shards and restarts.
    std::string cellKey() const;
};

} // namespace tokenscope
