// SPDX-License-Identifier: MIT
#include "sweep/sweep_merge.h"

#include "common/error.h"
#include "eval/sample_record.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <unistd.h>

namespace tokenscope {

namespace fs = std::filesystem;

std::vector<fs::path> recordFilesIn(const fs::path &dir)
{
    if (!fs::is_directory(dir))
        throw Error(dir, "is not a sweep folder (no such directory)");
    std::vector<fs::path> files;
    for (const fs::directory_entry &entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.rfind("records", 0) == 0 && entry.path().extension() == ".jsonl")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<SampleRecord> readSweep(const std::vector<fs::path> &dirs, MergeOutcome &outcome)
{
    if (dirs.empty())
        throw Error("merge", "needs at least one sweep folder");
    std::vector<SampleRecord> merged;
    std::map<std::string, std::pair<std::size_t, fs::path>> seen;   // cell -> (index in merged, file)
    for (const fs::path &dir : dirs) {
        const std::vector<fs::path> files = recordFilesIn(dir);
        if (files.empty())
            throw Error(dir, "holds no records*.jsonl");
        for (const fs::path &file : files) {
            outcome.inputs.push_back(file);
            for (SampleRecord &r : readRecords(file).records) {
                const auto [at, inserted] = seen.try_emplace(r.cellKey(), merged.size(), file);
                if (inserted) {
                    merged.push_back(std::move(r));
                    continue;
                }
                const SampleRecord &first = merged[at->second.first];
                if (first.response != r.response || first.score != r.score || first.keptTokens != r.keptTokens)
                    throw Error(file, "and " + at->second.second.string() + " disagree on " + r.method + " at budget " +
                                          std::to_string(r.budget) + " for sample '" + r.docId +
                                          "' (different answers: not shards of one sweep?)");
                ++outcome.duplicates;
            }
        }
    }
    outcome.records = merged.size();
    return merged;
}

MergeOutcome mergeSweeps(const std::vector<fs::path> &dirs, const fs::path &outDir)
{
    MergeOutcome outcome;
    const std::vector<SampleRecord> merged = readSweep(dirs, outcome);
    fs::create_directories(outDir);
    outcome.recordsFile = outDir / "records.jsonl";
    const fs::path partial = outDir / ("records.jsonl." + std::to_string(::getpid()) + ".tmp");
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        for (const SampleRecord &r : merged)
            out << toJsonLine(r) << '\n';
        if (!out.flush())
            throw Error(partial, "could not be written");
    }
    fs::rename(partial, outcome.recordsFile);
    return outcome;
}

} // namespace tokenscope
