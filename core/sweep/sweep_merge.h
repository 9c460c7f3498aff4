// SPDX-License-Identifier: MIT
#pragma once

// Merging sweep folders: the shards of one sweep (records.shard-*-of-N.jsonl, possibly spread over
// several folders or machines) become one records.jsonl, one record per cell.

#include "eval/sample_record.h"

#include <filesystem>
#include <vector>

namespace tokenscope {

struct MergeOutcome {
    std::filesystem::path recordsFile;
    std::vector<std::filesystem::path> inputs;   // the records files read, in order
    std::size_t records = 0;
    std::size_t duplicates = 0;                  // cells found twice with the same answer (kept once)
};

// Reads every records*.jsonl in `dirs` (file-name order within a folder) and keeps the first
// record of each cell. A cell found twice with different answers is an error naming both files;
// so is a folder without records. Fills `outcome`'s inputs, records and duplicates.
std::vector<SampleRecord> readSweep(const std::vector<std::filesystem::path> &dirs, MergeOutcome &outcome);

// readSweep, then writes `outDir`/records.jsonl (replaced atomically; `outDir` may be an input).
MergeOutcome mergeSweeps(const std::vector<std::filesystem::path> &dirs, const std::filesystem::path &outDir);

// Every record file of a folder: records.jsonl and records.shard-*.jsonl, in file-name order.
std::vector<std::filesystem::path> recordFilesIn(const std::filesystem::path &dir);

} // namespace tokenscope
