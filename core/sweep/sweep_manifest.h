// SPDX-License-Identifier: MIT
#pragma once

// sweep.json, the manifest a sweep folder carries (sweep/sweep_runner.cpp writes it): what the
// sweep ran, so that a reopened folder shows its own dataset, methods and budgets. One reader for
// every frontend.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tokenscope {

struct SweepManifest {
    std::filesystem::path dataset;
    std::vector<std::string> methods;
    std::vector<double> budgets;
    int limit = 0;
};

// `folder`/sweep.json; nullopt when the folder has none (a folder of merged shards, say).
// Throws Error naming the file when it is not JSON or a field has the wrong type.
std::optional<SweepManifest> readSweepManifest(const std::filesystem::path &folder);

} // namespace tokenscope
