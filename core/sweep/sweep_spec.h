// SPDX-License-Identifier: MIT
#pragma once

// What a budget sweep runs: methods × budgets × the dataset's samples (optionally the first n,
// optionally one deterministic shard of them), and the parsers for the CLI's list arguments.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

struct SweepSpec {
    std::filesystem::path dataset;
    std::vector<std::string> methods;    // catalog names, "vir+<method>" compositions included
    std::vector<double> budgets;         // each in (0, 1]
    std::filesystem::path outDir;
    int shardIndex = 0, shardCount = 1;  // this process runs samples i with i % count == index
    int limit = 0;                       // the first n samples (before sharding); 0: all
    int maxNewTokens = 16;
    std::uint64_t seed = 0;              // for seeded methods (random)
    bool cacheEncoder = true;            // encode each image once for all of its cells
};

// One (method, budget) pair of the grid. Methods whose token count does not depend on the budget
// (none, all-1/16, vir) appear once, at budget 1.0; "none" at 1.0 is always included: it is the
// full-token reference every relative score divides by.
struct SweepSetting {
    std::string method;
    double budget = 1.0;
};
std::vector<SweepSetting> sweepSettings(const SweepSpec &spec);

// "1,0.5,0.3" -> {1, 0.5, 0.3}; throws Error naming `option` and the bad item (not a number,
// outside (0, 1], listed twice, empty list).
std::vector<double> parseBudgetList(std::string_view text, const std::string &option = "--budgets");
// "vir,visionselector" -> names, each validated against the catalog (Error names it).
std::vector<std::string> parseMethodList(std::string_view text, const std::string &option = "--methods");
// "2/3" -> {2, 3}; throws Error unless 0 <= i < N.
std::pair<int, int> parseShard(std::string_view text, const std::string &option = "--shard");

// records.jsonl, or records.shard-<i>-of-<N>.jsonl for a shard (shards may share one folder).
std::filesystem::path recordsPath(const SweepSpec &spec);

} // namespace tokenscope
